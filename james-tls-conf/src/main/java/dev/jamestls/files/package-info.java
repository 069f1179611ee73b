/**
 * Files the product keeps under James's {@code var/} (caches, counters), written whole.
 */
package dev.jamestls.files;
