package dev.jamestls.parameters;

import java.util.List;

/** The init parameters of {@code AddTlsHeader}, declared once for the mailet and {@code check}. */
public final class HeaderParameters {
    public static final String DEFAULT_HEADER = "X-James-TLS";

    public static final ParameterSpec<String> HEADER = ParameterSpec.of("header", DEFAULT_HEADER, HeaderParameters::fieldName,
        "a header field name of printable US-ASCII without spaces or ':' (RFC 5322 §3.6.8), e.g. " + DEFAULT_HEADER,
        "name of the header that summarises the TLS facts");
    public static final ParameterSpec<Boolean> INCLUDE_CLIENT_IDENTITY = ParameterSpec.of("includeClientIdentity", "false",
        ParameterSpec::strictBoolean, ParameterSpec.BOOLEAN_FORMS, "whether the client certificate's subject and issuer are added");

    public static final List<ParameterSpec<?>> ALL = List.of(HEADER, INCLUDE_CLIENT_IDENTITY);

    private HeaderParameters() {
    }

    // RFC 5322 §3.6.8: field-name = 1*ftext; ftext = %d33-57 / %d59-126
    static String fieldName(String value) {
        if (value.isEmpty() || !value.chars().allMatch(c -> (c >= 33 && c <= 57) || (c >= 59 && c <= 126))) {
            throw new IllegalArgumentException((String) null);
        }
        return value;
    }
}
