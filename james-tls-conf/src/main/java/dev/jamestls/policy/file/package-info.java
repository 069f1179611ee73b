/**
 * Reading the policy from files: {@code conf/tls-policy.xml} (defaults,
 * connectors, pointers to domain tables), domain tables in Postfix
 * {@code smtp_tls_policy_maps} syntax, the loader that collects every problem
 * of a file with its location, and live reloading. XML is read with the JDK's
 * StAX parser (DTDs and external entities disabled).
 */
package dev.jamestls.policy.file;
