package dev.jamestls.policy;

/** Whether a rule's verdict is enforced or only computed, logged and recorded (SPEC §1.5). */
public enum Mode {
    ENFORCE("enforce"),
    TESTING("testing");

    private final String configName;

    Mode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static Mode parse(String value) {
        return ConfigEnums.parse(Mode.class, "mode", value, Mode::configName);
    }

    public static String accepted() {
        return ConfigEnums.accepted(Mode.class, Mode::configName);
    }

    @Override
    public String toString() {
        return configName;
    }
}
