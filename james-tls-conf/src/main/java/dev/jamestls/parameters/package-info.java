/**
 * The parameters of every component we ship (mailets, matchers, SMTP hooks),
 * each declared once as a {@link dev.jamestls.parameters.ParameterSpec}: name,
 * default, parser and accepted forms. A component's {@code init()} reads its
 * configuration with them, and the admin tool's {@code check} validates James's
 * configuration files with the same declarations, so the two cannot drift. No
 * James imports; shipped in the drop-in jar.
 */
package dev.jamestls.parameters;
