/**
 * The one per-partner TLS ledger of a James ({@link dev.jamestls.james.ledger.SharedLedger}), fed by the SMTP hook,
 * the remote delivery and the report mailet, read by the WebAdmin routes and the certificate expiry watch.
 */
package dev.jamestls.james.ledger;
