/**
 * The administrator's tools behind {@code james-tls.jar facts}, {@code revocation-check}
 * and {@code probe}, usable without James running. Pure: no picocli, no printing.
 *
 * <ul>
 *   <li>{@link dev.jamestls.admin.ServerChains} loads our server chain from a key store,
 *       a PEM file or James's {@code smtpserver.xml}; {@link dev.jamestls.admin.ChainInspection}
 *       turns it into publishable facts and warnings (expiry, RSA below 2048 bits, SHA-1,
 *       incomplete chain, helloName not covered).</li>
 *   <li>{@code revocation-check} asks every CRL distribution point (RFC 5280 §4.2.1.13) and OCSP
 *       responder (RFC 6960) of a chain through {@link dev.jamestls.revocation.RevocationEndpoints},
 *       which the certificate expiry watch inside James uses too.</li>
 *   <li>{@link dev.jamestls.admin.SmtpProbe} connects to a partner's MX hosts, runs
 *       EHLO / STARTTLS (RFC 3207) / QUIT without sending a message, and
 *       {@link dev.jamestls.admin.LevelJudge} says which outbound levels the partner would
 *       pass, from delivery's own {@link dev.jamestls.outbound.TlsPlan} per level and its
 *       {@link dev.jamestls.outbound.AttemptClassifier}.</li>
 *   <li>{@link dev.jamestls.admin.DaneFindings} reads a destination's MX hosts through DNSSEC
 *       (RFC 7672 §2.2: MX, addresses, TLSA records) and says which hosts DANE authenticates and
 *       what delivery at level {@code dane} does with the others; {@link dev.jamestls.admin.StsFindings}
 *       fetches its MTA-STS record and policy afresh (RFC 8461 §3).</li>
 * </ul>
 */
package dev.jamestls.admin;
