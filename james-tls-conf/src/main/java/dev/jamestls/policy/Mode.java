package dev.jamestls.policy;

import dev.jamestls.tls.Spelled;

/** Whether a rule's verdict is enforced or only computed, logged and recorded (SPEC §1.5). */
public enum Mode implements Spelled {
    ENFORCE,
    TESTING;

    public static Mode parse(String value) {
        return Spelled.parse(Mode.class, "mode", value);
    }

    public static String accepted() {
        return Spelled.accepted(Mode.class);
    }

    @Override
    public String toString() {
        return spelling();
    }
}
