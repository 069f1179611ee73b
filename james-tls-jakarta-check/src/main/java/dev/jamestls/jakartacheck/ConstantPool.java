package dev.jamestls.jakartacheck;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The symbolic content of one class file's constant pool (JVMS §4.4): every
 * Utf8 string, the names of Class entries, the field and method references,
 * and the descriptors of the class's own fields and methods (JVMS §4.5, §4.6). A reader of its own, so the checks depend on nothing but the JDK.
 */
public record ConstantPool(
        String className, List<String> utf8, Set<String> classes, List<MemberRef> members, List<String> declaredDescriptors) {

    /** A Fieldref, Methodref or InterfaceMethodref (JVMS §4.4.2). */
    public record MemberRef(Kind kind, String owner, String name, String descriptor) {
        /** Reference kinds, by constant-pool tag. */
        public enum Kind { FIELD, METHOD, INTERFACE_METHOD }

        @Override
        public String toString() {
            String separator = kind == Kind.FIELD ? ":" : "";
            return owner.replace('/', '.') + "." + name + separator + descriptor;
        }
    }

    private static final int MAGIC = 0xCAFEBABE;
    // JVMS §4.4 Table 4.4-B: constant pool tags.
    private static final int UTF8 = 1;
    private static final int INTEGER = 3;
    private static final int FLOAT = 4;
    private static final int LONG = 5;
    private static final int DOUBLE = 6;
    private static final int CLASS = 7;
    private static final int STRING = 8;
    private static final int FIELDREF = 9;
    private static final int METHODREF = 10;
    private static final int INTERFACE_METHODREF = 11;
    private static final int NAME_AND_TYPE = 12;
    private static final int METHOD_HANDLE = 15;
    private static final int METHOD_TYPE = 16;
    private static final int DYNAMIC = 17;
    private static final int INVOKE_DYNAMIC = 18;
    private static final int MODULE = 19;
    private static final int PACKAGE = 20;

    /** Object types named in field and method descriptors (JVMS §4.3): {@code Lpkg/Name;}. */
    private static final Pattern OBJECT_TYPE = Pattern.compile("L([^;\\[(]+);");

    public ConstantPool {
        utf8 = List.copyOf(utf8);
        classes = Set.copyOf(classes);
        members = List.copyOf(members);
        declaredDescriptors = List.copyOf(declaredDescriptors);
    }

    /**
     * Parses a class file.
     *
     * @param origin where the bytes come from, for error messages
     * @throws IOException if the bytes are not a class file
     */
    public static ConstantPool read(String origin, byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException("not a class file: " + origin + " (magic " + Integer.toHexString(magic) + ")");
        }
        in.readUnsignedShort(); // minor_version
        in.readUnsignedShort(); // major_version
        int count = in.readUnsignedShort();
        int[] tags = new int[count];
        String[] strings = new String[count];
        int[] first = new int[count];
        int[] second = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            tags[i] = tag;
            switch (tag) {
                case UTF8 -> strings[i] = in.readUTF();
                case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE -> first[i] = in.readUnsignedShort();
                case FIELDREF, METHODREF, INTERFACE_METHODREF, NAME_AND_TYPE, DYNAMIC, INVOKE_DYNAMIC -> {
                    first[i] = in.readUnsignedShort();
                    second[i] = in.readUnsignedShort();
                }
                case INTEGER, FLOAT -> in.readInt();
                case LONG, DOUBLE -> {
                    in.readLong();
                    i++; // JVMS §4.4.5: 8-byte constants take two entries
                }
                case METHOD_HANDLE -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i + " in " + origin);
            }
        }
        in.readUnsignedShort(); // access_flags
        String thisClass = strings[first[in.readUnsignedShort()]];
        in.readUnsignedShort(); // super_class: a Class entry, read below
        int interfaces = in.readUnsignedShort();
        for (int i = 0; i < interfaces; i++) {
            in.readUnsignedShort();
        }
        List<String> declaredDescriptors = new ArrayList<>();
        for (int table = 0; table < 2; table++) { // fields (JVMS §4.5), then methods (§4.6)
            int memberCount = in.readUnsignedShort();
            for (int m = 0; m < memberCount; m++) {
                in.readUnsignedShort(); // access_flags
                in.readUnsignedShort(); // name_index
                declaredDescriptors.add(strings[in.readUnsignedShort()]);
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    in.readUnsignedShort();
                    in.skipNBytes(Integer.toUnsignedLong(in.readInt()));
                }
            }
        }

        List<String> utf8 = new ArrayList<>();
        Set<String> classes = new LinkedHashSet<>();
        List<MemberRef> members = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            switch (tags[i]) {
                case UTF8 -> utf8.add(strings[i]);
                case CLASS -> classes.add(strings[first[i]]);
                case FIELDREF, METHODREF, INTERFACE_METHODREF -> {
                    MemberRef.Kind kind = tags[i] == FIELDREF ? MemberRef.Kind.FIELD
                            : tags[i] == METHODREF ? MemberRef.Kind.METHOD : MemberRef.Kind.INTERFACE_METHOD;
                    String owner = strings[first[first[i]]];
                    int nameAndType = second[i];
                    members.add(new MemberRef(kind, owner, strings[first[nameAndType]], strings[second[nameAndType]]));
                }
                default -> { }
            }
        }
        return new ConstantPool(thisClass, utf8, classes, members, declaredDescriptors);
    }

    /**
     * Every class this class names in internal form ({@code pkg/Name}): Class
     * entries (element types for arrays), the types in the descriptors of its
     * field and method references and of its own fields and methods.
     */
    public Set<String> referencedTypes() {
        Set<String> types = new LinkedHashSet<>();
        for (String name : classes) {
            if (name.startsWith("[")) {
                addObjectTypes(name, types);
            } else {
                types.add(name);
            }
        }
        for (MemberRef member : members) {
            addObjectTypes(member.descriptor(), types);
        }
        for (String descriptor : declaredDescriptors) {
            addObjectTypes(descriptor, types);
        }
        types.remove(className);
        return types;
    }

    private static void addObjectTypes(String descriptor, Set<String> types) {
        Matcher type = OBJECT_TYPE.matcher(descriptor);
        while (type.find()) {
            types.add(type.group(1));
        }
    }
}
