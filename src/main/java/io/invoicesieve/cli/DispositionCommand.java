package io.invoicesieve.cli;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.ControlOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.control.PairKeys;
import io.invoicesieve.detect.bank.Accounts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code disposition --tenant T --invoice I --verdict V --analyst A [...]}: one analyst verdict
 * (contract/disposition.schema.json) onto the dispositions topic, for scripts and tests. A pair
 * (--matched) is completed from the PostgreSQL invoices table unless --dry-run; an account (--account)
 * is sent as its SHA-256 and masked form only.
 */
@Command(
        name = "disposition",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        sortOptions = false,
        description = {
            "Write one analyst verdict on a decision to the dispositions topic.",
            "NOT_DUPLICATE (with --matched) suppresses the pair, BANK_ACCOUNT_VERIFIED (with --account)",
            "the account's BANK_CHANGE, SAME_SUPPLIER/DIFFERENT_SUPPLIERS (--other-vendor) record a",
            "vendor pair, FRAUD raises the vendor's risk; CONFIRMED_DUPLICATE and FALSE_POSITIVE are labels."
        },
        footer = {Cli.SETTINGS, Cli.EXIT_CODES})
public final class DispositionCommand extends SettingsCommand implements Callable<Integer> {

    @Option(names = "--tenant", required = true)
    String tenant;

    @Option(names = "--invoice", required = true, description = "the invoice_id of the decision")
    String invoice;

    @Option(names = "--vendor", description = "the decision's vendor_id (looked up in PostgreSQL when missing)")
    String vendor;

    @Option(names = "--verdict", required = true,
            description = "CONFIRMED_DUPLICATE, NOT_DUPLICATE, FRAUD, FALSE_POSITIVE, BANK_ACCOUNT_VERIFIED, SAME_SUPPLIER, DIFFERENT_SUPPLIERS")
    String verdict;

    @Option(names = "--matched", description = "the matched invoice_id of the pair")
    String matched;

    @Option(names = "--account", description = "the remit account verified (sent as SHA-256 and masked)")
    String account;

    @Option(names = "--other-vendor")
    String otherVendor;

    @Option(names = "--reason", description = "the reason code the verdict is about")
    String reason;

    @Option(names = "--analyst", required = true)
    String analyst;

    @Option(names = "--note")
    String note;

    @Option(names = "--id", description = "disposition_id (default: a random UUID)")
    String id;

    @Option(names = "--dry-run", description = "print the record instead of sending it (no PostgreSQL look-up)")
    boolean dryRun;

    public DispositionCommand() {}

    @Override
    public Integer call() throws Exception {
        SieveConfig config = settings();
        ObjectNode d = ControlRecords.JSON.createObjectNode();
        d.put("disposition_id", id == null ? UUID.randomUUID().toString() : id);
        d.put("tenant_id", tenant);
        d.put("invoice_id", invoice);
        d.put("verdict", verdict);
        if (reason != null) {
            d.put("reason_code", reason);
        }
        if (matched != null) {
            if (dryRun) {
                throw usage("--matched needs the PostgreSQL invoices table: no --dry-run");
            }
            ObjectNode pair = d.putObject("pair");
            pair.set("invoice", invoiceFacts(config, invoice, d));
            pair.set("matched", invoiceFacts(config, matched, null));
        }
        if (vendor != null) {
            d.put("vendor_id", vendor);
        } else if (!d.has("vendor_id")) {
            throw usage("--vendor is required without --matched");
        }
        if (account != null) {
            d.put("account_sha256", PairKeys.accountSha256(account));
            d.put("account_masked", Accounts.mask(Accounts.normalize(account)));
        }
        if (otherVendor != null) {
            d.put("other_vendor_id", otherVendor);
        }
        d.put("analyst", analyst);
        d.put("decided_at", Instant.now().toString());
        if (note != null) {
            d.put("note", note);
        }
        if (dryRun) {
            spec.commandLine().getOut().println(d);
            return Cli.OK;
        }
        String where = ControlRecords.send(config, config.get(ControlOptions.KAFKA_DISPOSITIONS_TOPIC),
                tenant + ":" + invoice, d);
        spec.commandLine().getOut().println("disposition " + d.get("disposition_id").asText() + " " + verdict
                + " written to " + where);
        return Cli.OK;
    }

    private ObjectNode invoiceFacts(SieveConfig config, String invoiceId, ObjectNode vendorInto) throws Exception {
        Properties p = new Properties();
        p.putAll(config.prefixed(ConnectorOptions.JDBC_PROPERTIES_PREFIX));
        p.setProperty("user", config.get(ConnectorOptions.JDBC_USER));
        String password = config.secret(ConnectorOptions.JDBC_PASSWORD, ConnectorOptions.JDBC_PASSWORD_ENV);
        if (password != null) {
            p.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection(config.required(ConnectorOptions.JDBC_URL), p);
             PreparedStatement st = c.prepareStatement("SELECT vendor_id, invoice_number, invoice_date, amount, currency,"
                     + " event_time FROM invoices WHERE tenant_id = ? AND invoice_id = ?")) {
            st.setString(1, tenant);
            st.setString(2, invoiceId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw usage("invoice " + tenant + "/" + invoiceId + " is not in the invoices table");
                }
                if (vendorInto != null && vendor == null) {
                    vendorInto.put("vendor_id", rs.getString(1));
                }
                ObjectNode n = ControlRecords.JSON.createObjectNode();
                n.put("invoice_id", invoiceId);
                n.put("invoice_number", rs.getString(2));
                n.put("invoice_date", rs.getDate(3).toLocalDate().toString());
                n.put("amount", rs.getBigDecimal(4).stripTrailingZeros().toPlainString());
                n.put("currency", rs.getString(5));
                n.put("event_time", rs.getTimestamp(6).toInstant().toString());
                return n;
            }
        }
    }
}
