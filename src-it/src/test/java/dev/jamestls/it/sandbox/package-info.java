/**
 * The drop-in test: the sandbox that {@code mvn package} lays out (a real
 * James 3.8.1 installation with our jar in {@code extensions-jars/}), started
 * as a separate JVM through its own {@code run} script and observed only
 * through James's own interfaces (SMTP, WebAdmin).
 */
package dev.jamestls.it.sandbox;
