package io.invoicesieve.cli;

import io.invoicesieve.config.ControlOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.control.PairKeys;
import io.invoicesieve.detect.bank.Accounts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code control --type T --actor A [...]}: one runtime control change (contract/control.schema.json)
 * onto the controls topic; the running job applies it to the next invoice, without a restart.
 */
@Command(
        name = "control",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        sortOptions = false,
        description = {
            "Write one runtime control change to the controls topic: TENANT_THRESHOLDS (--tenant --review",
            "--hold), REASON_SWITCH (--tenant|'*' --reason --enabled), VERIFIED_ACCOUNT (--tenant --vendor",
            "--account), SAME_SUPPLIER/DIFFERENT_SUPPLIERS (--tenant --vendor --other-vendor), VENDOR_RISK",
            "(--tenant --vendor --risk), MODEL_PUBLISH (--model <artifact.json>), MODEL_ACTIVATE",
            "(--model-version <v>|rules-only: rollback is activating the previous version). --revoke undoes."
        },
        footer = {Cli.SETTINGS, Cli.EXIT_CODES})
public final class ControlCommand extends SettingsCommand implements Callable<Integer> {

    @Option(names = "--type", required = true)
    String type;

    @Option(names = "--actor", required = true, description = "who makes the change (audited)")
    String actor;

    @Option(names = "--tenant")
    String tenant;

    @Option(names = "--vendor")
    String vendor;

    @Option(names = "--other-vendor")
    String otherVendor;

    @Option(names = "--review")
    Double review;

    @Option(names = "--hold")
    Double hold;

    @Option(names = "--reason")
    String reason;

    @Option(names = "--enabled", arity = "1")
    Boolean enabled;

    @Option(names = "--account")
    String account;

    @Option(names = "--risk")
    Double risk;

    @Option(names = "--model", description = "MODEL_PUBLISH: the artifact the train command wrote")
    Path model;

    @Option(names = "--model-version")
    String modelVersion;

    @Option(names = "--revoke")
    boolean revoke;

    @Option(names = "--note")
    String note;

    @Option(names = "--id", description = "control_id (default: a random UUID)")
    String id;

    @Option(names = "--dry-run", description = "print the record instead of sending it")
    boolean dryRun;

    public ControlCommand() {}

    @Override
    public Integer call() throws Exception {
        SieveConfig config = settings();
        ObjectNode c = ControlRecords.JSON.createObjectNode();
        c.put("control_id", id == null ? UUID.randomUUID().toString() : id);
        c.put("type", type);
        put(c, "tenant_id", tenant);
        put(c, "vendor_id", vendor);
        put(c, "other_vendor_id", otherVendor);
        if (review != null) {
            c.put("review_threshold", review);
        }
        if (hold != null) {
            c.put("hold_threshold", hold);
        }
        put(c, "reason_code", reason);
        if (enabled != null) {
            c.put("enabled", enabled);
        }
        if (account != null) {
            c.put("account_sha256", PairKeys.accountSha256(account));
            c.put("account_masked", Accounts.mask(Accounts.normalize(account)));
        }
        if (risk != null) {
            c.put("risk", risk);
        }
        if (model != null) {
            ObjectNode artifact = (ObjectNode) ControlRecords.JSON.readTree(Files.readString(model));
            c.set("model", artifact);
            if (modelVersion == null) {
                modelVersion = artifact.path("version").asText(null);
            }
        }
        put(c, "model_version", modelVersion);
        if (revoke) {
            c.put("revoke", true);
        }
        c.put("actor", actor);
        c.put("at", Instant.now().toString());
        put(c, "note", note);
        if (dryRun) {
            io.invoicesieve.control.ControlCodec.parse(c.toString());
            spec.commandLine().getOut().println(c);
            return Cli.OK;
        }
        String key = tenant == null ? type : tenant;
        String where;
        try {
            where = ControlRecords.send(config, config.get(ControlOptions.KAFKA_CONTROLS_TOPIC), key, c);
        } catch (IllegalArgumentException e) {
            throw usage("not a valid control: " + e.getMessage());
        }
        spec.commandLine().getOut().println("control " + c.get("control_id").asText() + " " + type + " written to " + where);
        return Cli.OK;
    }

    private static void put(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }
}
