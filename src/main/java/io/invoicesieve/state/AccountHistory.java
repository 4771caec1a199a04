package io.invoicesieve.state;

/** One remit account of a vendor (or one vendor of an account): when first and last seen, how often. */
public class AccountHistory {

    /** The normalized account number, or the vendor id in the account-sharing state. */
    public String id;
    public long firstSeen;
    public long lastSeen;
    public int count;

    public AccountHistory() {}

    public AccountHistory(String id, long firstSeen, long lastSeen, int count) {
        this.id = id;
        this.firstSeen = firstSeen;
        this.lastSeen = lastSeen;
        this.count = count;
    }
}
