/**
 * The james-tls sandbox: a real James 3.8.1 memory server laid out like an
 * installation ({@code src-it/target/james-tls-sandbox/}), its demo PKI
 * ({@link dev.jamestls.sandbox.SandboxPki}), the scripted demo
 * ({@link dev.jamestls.sandbox.Demo}) and the SMTP and WebAdmin clients the
 * demo and the drop-in test share. Loopback only.
 */
package dev.jamestls.sandbox;
