/**
 * WebAdmin routes of james-tls under {@code /jamestls} (James's {@code org.apache.james.webadmin.Routes}, loaded
 * through James's own extension mechanism, {@code extensions.routes} in {@code conf/webadmin.properties}): the partner
 * ledger and the TLS reports received and sent. Thin: they read the shared ledger or the report stores and answer in
 * JSON.
 */
package dev.jamestls.james.webadmin;
