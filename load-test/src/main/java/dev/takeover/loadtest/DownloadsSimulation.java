package dev.takeover.loadtest;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Large downloads: each user downloads one distinct object of {@code takeover.size} (a miss, then streamed while the
 * cache fills) from one VIP; every byte is checked against the origin's deterministic content.
 */
public class DownloadsSimulation extends Simulation {
    private final LabTarget lab = LabTarget.fromSystemProperties();
    private final AtomicLong users = new AtomicLong();
    private final long run = System.currentTimeMillis();

    private final ScenarioBuilder downloads = scenario("downloads")
            .exec(session -> {
                long n = users.getAndIncrement();
                return session.set("vip", lab.vip(n)).set("target", "/synthetic/" + lab.size() + "/gatling-" + run + "-" + n);
            })
            .exec(HitsSimulation.get("download"));

    @Override
    public void after() {
        Timeline.write();
    }

    {
        setUp(downloads.injectOpen(constantUsersPerSec(lab.rate()).during(lab.duration())))
                .protocols(http.disableCaching()) // every request reaches the proxy
                .assertions(global().failedRequests().count().is(0L));
    }
}
