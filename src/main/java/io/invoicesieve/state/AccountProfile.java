package io.invoicesieve.state;

/**
 * What the account stage reads and writes on every decision of a (tenant, remit account), stored
 * together as one value (state {@code account-profile}, since 0.2.0): the vendors that use the
 * account and the key's pending cleanup timer. Until 0.1.0 they were two states
 * ({@code account-vendors}, {@code cleanup-timer}): two reads per decision, now one.
 * {@code functions/AccountState} moves a key's 0.1.0 states into it the first time it meets the key.
 * Serialized by {@link StateSerializers.AccountProfiles}.
 */
public class AccountProfile {

    /** No cleanup timer pending. */
    public static final long NO_TIMER = Long.MIN_VALUE;

    /** The vendors that used the account, with first and last use, or null when none within the retention. */
    public AccountHistory[] vendors;
    /** Event time of the pending cleanup timer, or {@link #NO_TIMER}. */
    public long cleanupTimer = NO_TIMER;

    public AccountProfile() {}

    /** Nothing left to keep: the state can be cleared. */
    public boolean isEmpty() {
        return vendors == null && cleanupTimer == NO_TIMER;
    }
}
