/**
 * The mail attributes james-tls reads and writes, declared once. Every name
 * lives in the {@code dev.jamestls.} namespace; values are plain strings,
 * integers, booleans and lists so that they survive James's mail queues and
 * repositories.
 */
package dev.jamestls.james.attributes;
