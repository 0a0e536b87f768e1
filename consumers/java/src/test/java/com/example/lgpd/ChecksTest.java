package com.example.lgpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdklgpd.checks.LgpdChecks;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.PolicyValidationPluginReport;

/**
 * LgpdChecks from the checks package (io.github.cdk-lgpd-data-pipeline:cdk-lgpd-checks), resolved by
 * version beside the construct, on the consumer app: no finding on a resource the library made (under a
 * {@code Pipeline} construct), and the one the app earned itself (its own VPC has no flow log), which
 * shows the rules ran. The same as consumers/typescript/checks.ts.
 */
class ChecksTest {
    @Test
    void lgpdChecksFindNothingOnThePipelinesAndTheAppsOwnVpc() {
        App app = ConsumerApp.build(java.nio.file.Path.of("target", "cdk.out.checks"));
        PolicyValidationPluginReport report = new LgpdChecks(app).validateScope(app);
        List<String> findings = report.getViolations().stream()
                .flatMap(v -> v.getViolatingResources().stream().map(r -> v.getRuleName() + " " + r.getConstructPath()))
                .collect(Collectors.toList());
        List<String> ours = findings.stream()
                .filter(f -> List.of(f.split(" ")[1].split("/")).contains("Pipeline"))
                .collect(Collectors.toList());
        assertEquals(List.of(), ours);
        assertTrue(findings.contains("LGPD-VPCFlowLogsAllTraffic LgpdConsumerByo/Vpc/Resource"), findings.toString());
    }
}
