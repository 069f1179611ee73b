package dev.jamestls.policy;

/** Whether a rule's verdict is enforced or only computed, logged and recorded (SPEC §1.5). */
public enum Mode {
    ENFORCE("enforce"),
    TESTING("testing");

    private final String spelling;

    Mode(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    public static Mode parse(String value) {
        return ConfigEnums.parse(Mode.class, "mode", value, Mode::spelling);
    }

    public static String accepted() {
        return ConfigEnums.accepted(Mode.class, Mode::spelling);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
