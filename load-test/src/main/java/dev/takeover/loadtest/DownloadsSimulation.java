package dev.takeover.loadtest;

import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * Large downloads: each user downloads one distinct object of {@code takeover.size} (a miss, then streamed while the
 * cache fills) from one VIP; every byte is checked against the origin's deterministic content.
 */
public class DownloadsSimulation extends LabSimulation {
    private final long run = System.currentTimeMillis();

    {
        run(scenario("downloads")
                .exec(session -> {
                    long n = nextUser();
                    return session.set("vip", lab.vip(n))
                            .set("target", "/synthetic/" + lab.size() + "/gatling-" + run + "-" + n);
                })
                .exec(get("download")));
    }
}
