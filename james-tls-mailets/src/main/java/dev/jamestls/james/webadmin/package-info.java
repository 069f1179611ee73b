/**
 * James WebAdmin routes under {@code /jamestls}, loaded through James's own extension mechanism
 * ({@code extensions.routes} in {@code conf/webadmin.properties}). Thin: they read the shared ledger and answer with
 * its JSON ({@link dev.jamestls.ledger.LedgerJson}).
 */
package dev.jamestls.james.webadmin;
