package dev.jamestls.testkit.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A test DNS tree: a root zone with its own key-signing and zone-signing keys (ECDSA P-256 SHA-256,
 * algorithm 13, RFC 6605), child zones signed or not, DS records in the parent (RFC 4034 §5), an NSEC
 * chain per signed zone (RFC 4034 §4, RFC 4035 §2.3), and the deliberate faults a validator must catch:
 * a corrupt RRSIG, an expired RRSIG, a name that answers SERVFAIL. {@link #trustAnchor()} is the test
 * root's DS record in zone-file text; {@link LoopbackDnsServer} serves the tree.
 *
 * <pre>{@code
 * SignedZones zones = SignedZones.builder()
 *     .signedZone("example.")
 *     .record("example. 300 IN MX 10 mail.example.")
 *     .record("mail.example. 300 IN A 192.0.2.25")
 *     .build();
 * }</pre>
 *
 * Immutable once built; keys live only in memory.
 */
public final class SignedZones {
    static final long ZONE_TTL = 3600;
    /** The SOA MINIMUM of every zone: the negative-caching TTL (RFC 2308 §4). */
    public static final long NEGATIVE_TTL = 300;

    private final Map<Name, Zone> zones;
    private final Set<Name> servfail;
    private final String trustAnchor;

    private SignedZones(Map<Name, Zone> zones, Set<Name> servfail, String trustAnchor) {
        this.zones = Map.copyOf(zones);
        this.servfail = Set.copyOf(servfail);
        this.trustAnchor = trustAnchor;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The test root's trust anchor: its key-signing key's DS record (SHA-256), in zone-file text. */
    public String trustAnchor() {
        return trustAnchor;
    }

    /** One zone's data: owner names in canonical order (RFC 4034 §6.1), RRsets with their signatures. */
    record Zone(Name origin, boolean signed, NavigableMap<Name, Map<Integer, RRset>> nodes) {
        Optional<RRset> rrset(Name name, int type) {
            Map<Integer, RRset> node = nodes.get(name);
            return Optional.ofNullable(node == null ? null : node.get(type));
        }

        /** Whether {@code name} owns records or is an empty non-terminal (a name below it owns some). */
        boolean exists(Name name) {
            if (nodes.containsKey(name)) {
                return true;
            }
            Name next = nodes.higherKey(name);
            return next != null && next.subdomain(name);
        }

        /** The NSEC record whose span covers {@code name}: the one at the greatest owner not after it. */
        Optional<RRset> coveringNsec(Name name) {
            Map.Entry<Name, Map<Integer, RRset>> floor = nodes.floorEntry(name);
            return Optional.ofNullable(floor == null ? null : floor.getValue().get(Type.NSEC));
        }

        RRset soa() {
            return rrset(origin, Type.SOA).orElseThrow();
        }
    }

    /**
     * The zone that answers {@code name}/{@code type}: the deepest zone holding the name, except that a
     * DS question at a zone's apex goes to the parent (RFC 4035 §3.1.4.1).
     */
    Optional<Zone> zoneFor(Name name, int type) {
        Zone best = null;
        for (Zone zone : zones.values()) {
            boolean holds = name.subdomain(zone.origin())
                && !(type == Type.DS && name.equals(zone.origin()) && !zone.origin().equals(Name.root));
            if (holds && (best == null || zone.origin().labels() > best.origin().labels())) {
                best = zone;
            }
        }
        return Optional.ofNullable(best);
    }

    boolean servfail(Name name) {
        return servfail.contains(name);
    }

    /** Builds the tree; every zone is a child of the deepest zone above it, the root is always there. */
    public static final class Builder {
        private final Map<Name, Boolean> zones = new LinkedHashMap<>();
        private final List<Record> records = new ArrayList<>();
        private final Set<Name> servfail = new HashSet<>();
        private final Set<String> bogus = new HashSet<>();
        private final Set<String> expired = new HashSet<>();
        private Instant inception = Instant.now().minus(Duration.ofHours(1));
        private Instant expiration = Instant.now().plus(Duration.ofDays(30));

        private Builder() {
            zones.put(Name.root, true);
        }

        /** A zone signed with its own keys, its DS in the parent. */
        public Builder signedZone(String origin) {
            zones.put(name(origin), true);
            return this;
        }

        /** An unsigned zone, delegated without DS: the parent's NSEC proves it insecure (RFC 4035 §5.2). */
        public Builder unsignedZone(String origin) {
            zones.put(name(origin), false);
            return this;
        }

        /** One record in zone-file text, absolute names: {@code mail.example. 300 IN A 192.0.2.25}. */
        public Builder record(String line) {
            try (Master master = new Master(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), Name.root, 300)) {
                Record record = master.nextRecord();
                if (record == null) {
                    throw new IllegalArgumentException("no record in '" + line + "'");
                }
                records.add(record);
            } catch (IOException e) {
                throw new IllegalArgumentException("not a record '" + line + "': " + e.getMessage(), e);
            }
            return this;
        }

        /** The RRSIG over {@code name}/{@code type} has a corrupted signature. */
        public Builder bogusSignature(String name, int type) {
            bogus.add(key(name(name), type));
            return this;
        }

        /** The RRSIG over {@code name}/{@code type} expired a day ago (RFC 4035 §5.3.1). */
        public Builder expiredSignature(String name, int type) {
            expired.add(key(name(name), type));
            return this;
        }

        /** Every question about {@code name} answers SERVFAIL, as an upstream resolver in trouble does. */
        public Builder servfail(String name) {
            servfail.add(name(name));
            return this;
        }

        /** The validity window of every signature (default: an hour ago to 30 days ahead). */
        public Builder signatureValidity(Instant inception, Instant expiration) {
            this.inception = Objects.requireNonNull(inception, "inception");
            this.expiration = Objects.requireNonNull(expiration, "expiration");
            return this;
        }

        public SignedZones build() {
            try {
                return doBuild();
            } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
                throw new IllegalStateException("cannot sign the test zones", e);
            }
        }

        private SignedZones doBuild() throws GeneralSecurityException, DNSSEC.DNSSECException {
            Map<Name, ZoneKeys> keys = new HashMap<>();
            Map<Name, NavigableMap<Name, Map<Integer, RRset>>> data = new LinkedHashMap<>();
            for (Map.Entry<Name, Boolean> zone : zones.entrySet()) {
                Name origin = zone.getKey();
                NavigableMap<Name, Map<Integer, RRset>> nodes = new TreeMap<>();
                data.put(origin, nodes);
                Name ns = Name.fromConstantString("ns." + (origin.equals(Name.root) ? "" : origin.toString()));
                add(nodes, new SOARecord(origin, DClass.IN, ZONE_TTL, ns, Name.fromConstantString("hostmaster." + ns),
                    1, 3600, 600, 86400, NEGATIVE_TTL));
                add(nodes, new NSRecord(origin, DClass.IN, ZONE_TTL, ns));
                if (zone.getValue()) {
                    ZoneKeys zoneKeys = ZoneKeys.generate(origin);
                    keys.put(origin, zoneKeys);
                    add(nodes, zoneKeys.ksk());
                    add(nodes, zoneKeys.zsk());
                }
            }
            for (Record record : records) {
                Name origin = deepestZone(record.getName(), false);
                add(data.get(origin), record);
            }
            for (Name origin : zones.keySet()) {
                if (origin.equals(Name.root)) {
                    continue;
                }
                NavigableMap<Name, Map<Integer, RRset>> parent = data.get(deepestZone(origin, true));
                add(parent, new NSRecord(origin, DClass.IN, ZONE_TTL, Name.fromConstantString("ns." + origin)));
                ZoneKeys childKeys = keys.get(origin);
                if (childKeys != null) {
                    add(parent, new DSRecord(origin, DClass.IN, ZONE_TTL, DNSSEC.Digest.SHA256, childKeys.ksk()));
                }
            }
            Map<Name, Zone> built = new LinkedHashMap<>();
            for (Map.Entry<Name, NavigableMap<Name, Map<Integer, RRset>>> zone : data.entrySet()) {
                Name origin = zone.getKey();
                ZoneKeys zoneKeys = keys.get(origin);
                if (zoneKeys != null) {
                    addNsecChain(zone.getValue());
                    sign(origin, zone.getValue(), zoneKeys);
                }
                built.put(origin, new Zone(origin, zoneKeys != null, zone.getValue()));
            }
            String anchor = new DSRecord(Name.root, DClass.IN, ZONE_TTL, DNSSEC.Digest.SHA256, keys.get(Name.root).ksk())
                .toString();
            return new SignedZones(built, servfail, anchor + "\n");
        }

        private Name deepestZone(Name name, boolean strictlyAbove) {
            Name best = Name.root;
            for (Name origin : zones.keySet()) {
                boolean above = name.subdomain(origin) && !(strictlyAbove && name.equals(origin));
                if (above && origin.labels() > best.labels()) {
                    best = origin;
                }
            }
            return best;
        }

        /** RFC 4035 §2.3: every owner name gets an NSEC naming the next owner and its own types. */
        private static void addNsecChain(NavigableMap<Name, Map<Integer, RRset>> nodes) {
            List<Name> owners = new ArrayList<>(nodes.keySet());
            for (int i = 0; i < owners.size(); i++) {
                Name owner = owners.get(i);
                Name next = owners.get((i + 1) % owners.size());
                Set<Integer> types = new TreeSet<>(nodes.get(owner).keySet());
                types.add(Type.NSEC);
                types.add(Type.RRSIG);
                int[] bitmap = types.stream().mapToInt(Integer::intValue).toArray();
                // RFC 4035 §2.3: the NSEC TTL is the SOA minimum.
                add(nodes, new NSECRecord(owner, DClass.IN, NEGATIVE_TTL, next, bitmap));
            }
        }

        private void sign(Name origin, NavigableMap<Name, Map<Integer, RRset>> nodes, ZoneKeys zoneKeys)
            throws DNSSEC.DNSSECException {
            for (Map.Entry<Name, Map<Integer, RRset>> node : nodes.entrySet()) {
                boolean delegation = !node.getKey().equals(origin) && node.getValue().containsKey(Type.NS);
                for (RRset rrset : node.getValue().values()) {
                    // RFC 4035 §2.2: the NS set at a delegation point is the child's, not signed by the parent.
                    if (delegation && rrset.getType() == Type.NS) {
                        continue;
                    }
                    String key = key(node.getKey(), rrset.getType());
                    boolean old = expired.contains(key);
                    Instant from = old ? inception.minus(Duration.ofDays(30)) : inception;
                    Instant until = old ? Instant.now().minus(Duration.ofDays(1)) : expiration;
                    boolean keySet = rrset.getType() == Type.DNSKEY;
                    RRSIGRecord sig = DNSSEC.sign(rrset, keySet ? zoneKeys.ksk() : zoneKeys.zsk(),
                        keySet ? zoneKeys.kskPair().getPrivate() : zoneKeys.zskPair().getPrivate(), from, until);
                    if (bogus.contains(key)) {
                        sig = corrupt(sig);
                    }
                    rrset.addRR(sig);
                }
            }
        }

        private static RRSIGRecord corrupt(RRSIGRecord sig) {
            byte[] signature = sig.getSignature();
            signature[signature.length / 2] ^= 0x5a;
            return new RRSIGRecord(sig.getName(), sig.getDClass(), sig.getTTL(), sig.getTypeCovered(),
                sig.getAlgorithm(), sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(), sig.getFootprint(),
                sig.getSigner(), signature);
        }

        private static void add(NavigableMap<Name, Map<Integer, RRset>> nodes, Record record) {
            Map<Integer, RRset> node = nodes.computeIfAbsent(record.getName(), n -> new TreeMap<>());
            RRset rrset = node.computeIfAbsent(record.getType(), t -> new RRset());
            rrset.addRR(record);
        }

        private static String key(Name name, int type) {
            return name + "/" + type;
        }

        private static Name name(String name) {
            try {
                return Name.fromString(name, Name.root);
            } catch (TextParseException e) {
                throw new IllegalArgumentException("not a DNS name '" + name + "'", e);
            }
        }
    }

    /** A zone's key-signing key (flags 257, SEP) and zone-signing key (flags 256), RFC 4034 §2.1.1. */
    private record ZoneKeys(DNSKEYRecord ksk, KeyPair kskPair, DNSKEYRecord zsk, KeyPair zskPair) {
        static ZoneKeys generate(Name origin) throws GeneralSecurityException, DNSSEC.DNSSECException {
            KeyPair kskPair = ecKeyPair();
            KeyPair zskPair = ecKeyPair();
            return new ZoneKeys(dnskey(origin, 257, kskPair), kskPair, dnskey(origin, 256, zskPair), zskPair);
        }

        private static DNSKEYRecord dnskey(Name origin, int flags, KeyPair pair) throws DNSSEC.DNSSECException {
            return new DNSKEYRecord(origin, DClass.IN, ZONE_TTL, flags, DNSKEYRecord.Protocol.DNSSEC,
                DNSSEC.Algorithm.ECDSAP256SHA256,
                pair.getPublic());
        }

        private static KeyPair ecKeyPair() throws GeneralSecurityException {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        }
    }
}
