/**
 * WebAdmin routes of james-tls (James's {@code org.apache.james.webadmin.Routes}, loaded through
 * {@code extensions.routes} in {@code webadmin.properties}): what administrators can read over James's admin API.
 */
package dev.jamestls.james.webadmin;
