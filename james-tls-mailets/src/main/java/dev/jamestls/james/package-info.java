/**
 * Thin James adapters: they translate between James (mailet API, SMTP hook
 * API) and the pure core of james-tls, and hold nothing else.
 */
package dev.jamestls.james;
