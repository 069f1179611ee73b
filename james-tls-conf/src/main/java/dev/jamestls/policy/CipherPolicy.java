package dev.jamestls.policy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A cipher preset minus exclusions. Exclusions are JSSE suite names
 * ({@code TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA}) or the OpenSSL-style aliases
 * Postfix tables use in {@code exclude=} ({@code 3DES}, {@code SHA1}, ...).
 *
 * @param preset the named preset
 * @param exclusions what to remove from it, as configured
 */
public record CipherPolicy(CipherPreset preset, List<String> exclusions) {
    public static final CipherPolicy DEFAULT = new CipherPolicy(CipherPreset.FORWARD_SECRET, List.of());

    /** OpenSSL alias → a fragment of the JSSE suite name that identifies it. */
    private static final Map<String, String> ALIASES = aliases();

    public CipherPolicy {
        Objects.requireNonNull(preset, "preset");
        exclusions = List.copyOf(exclusions);
        for (String exclusion : exclusions) {
            checkExclusion(exclusion);
        }
    }

    /** Throws for an exclusion that names nothing we know. */
    public static void checkExclusion(String exclusion) {
        if (!exclusion.startsWith("TLS_") && !ALIASES.containsKey(exclusion)) {
            throw new IllegalArgumentException("unknown cipher exclusion '" + exclusion
                + "'; accepted: a JSSE suite name (TLS_...) or one of " + String.join(", ", ALIASES.keySet()));
        }
    }

    /** The preset's suites minus the exclusions, in preference order. */
    public List<String> suites() {
        return preset.suites().stream().filter(suite -> !excluded(suite)).toList();
    }

    /** The suites to enable on a JSSE engine: ours, in our order, that the engine supports. */
    public String[] enabledSuites(String[] supported) {
        Set<String> available = Arrays.stream(supported).collect(Collectors.toSet());
        return suites().stream().filter(available::contains).toArray(String[]::new);
    }

    private boolean excluded(String suite) {
        for (String exclusion : exclusions) {
            String fragment = ALIASES.get(exclusion);
            if (fragment == null ? suite.equals(exclusion) : matchesFragment(suite, fragment)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesFragment(String suite, String fragment) {
        if (fragment.startsWith("$")) {
            return suite.endsWith(fragment.substring(1));
        }
        if (fragment.startsWith("^")) {
            return suite.startsWith(fragment.substring(1));
        }
        return suite.contains(fragment);
    }

    private static Map<String, String> aliases() {
        Map<String, String> aliases = new LinkedHashMap<>();
        aliases.put("aNULL", "_anon_");
        aliases.put("eNULL", "_NULL_");
        aliases.put("NULL", "_NULL_");
        aliases.put("RC4", "_RC4_");
        aliases.put("3DES", "_3DES_");
        aliases.put("DES", "_DES_");
        aliases.put("MD5", "$_MD5");
        aliases.put("SHA1", "$_SHA");
        aliases.put("SHA", "$_SHA");
        aliases.put("kRSA", "^TLS_RSA_");
        aliases.put("DHE", "_DHE_");
        aliases.put("EDH", "_DHE_");
        aliases.put("ECDSA", "_ECDSA_");
        aliases.put("CBC", "_CBC_");
        aliases.put("AES128", "_AES_128_");
        aliases.put("AES256", "_AES_256_");
        aliases.put("CHACHA20", "_CHACHA20_");
        aliases.put("CAMELLIA", "_CAMELLIA_");
        aliases.put("ARIA", "_ARIA_");
        aliases.put("SEED", "_SEED_");
        aliases.put("IDEA", "_IDEA_");
        return java.util.Collections.unmodifiableMap(aliases);
    }

    @Override
    public String toString() {
        return exclusions.isEmpty() ? preset.spelling() : preset.spelling() + " excluding " + String.join(" ", exclusions);
    }
}
