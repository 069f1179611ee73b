package dev.jamestls.admin;

/** An input the tools cannot use (a file that does not load, a bad configuration); the message names file and fact. */
public final class AdminException extends Exception {
    public AdminException(String message) {
        super(message);
    }

    public AdminException(String message, Throwable cause) {
        super(message, cause);
    }
}
