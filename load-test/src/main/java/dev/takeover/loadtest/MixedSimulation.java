package dev.takeover.loadtest;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import dev.takeover.origin.SyntheticObject;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A mixed profile, each user on one connection to one VIP: 10 cached 1 KiB hits; a conditional request for one of
 * them ({@code If-None-Match} with its entity tag, answered 304 from the cache); one with {@code Cache-Control:
 * no-cache}, which makes the proxy revalidate with the origin before answering 200; and a download of a distinct
 * object of {@code takeover.size}. Every body is checked byte for byte.
 */
public class MixedSimulation extends Simulation {
    private final LabTarget lab = LabTarget.fromSystemProperties();
    private final AtomicLong users = new AtomicLong();
    private final long run = System.currentTimeMillis();

    private final ScenarioBuilder mixed = scenario("mixed")
            .exec(session -> {
                long n = users.getAndIncrement();
                return session.set("vip", lab.vip(n)).set("n", n);
            })
            .exec(repeat(10, "i").on(
                    exec(session -> session.set("target", "/synthetic/1k/hit-" + Math.floorMod(session.getInt("i") * 7L
                            + session.getLong("n"), 100)))
                            .exec(HitsSimulation.get("1 KiB hit"))))
            .exec(session -> session.set("target", "/synthetic/1k/hit-" + Math.floorMod(session.getLong("n"), 100)))
            .exec(session -> session.set("started", System.currentTimeMillis()))
            .exec(http("conditional (304)")
                    .get(session -> "http://" + session.getString("vip") + session.getString("target"))
                    .header("If-None-Match", session ->
                            SyntheticObject.parse(session.getString("target")).orElseThrow().etag())
                    .check(status().is(304)))
            .exec(session -> {
                Timeline.record(session.getLong("started"), System.currentTimeMillis(), !session.isFailed());
                return session.markAsSucceeded();
            })
            .exec(http("no-cache (revalidated at the origin)")
                    .get(session -> "http://" + session.getString("vip") + session.getString("target"))
                    .header("Cache-Control", "no-cache")
                    .check(status().is(200)))
            .exec(session -> session.set("target", "/synthetic/" + lab.size() + "/mixed-" + run + "-" + session.getLong("n")))
            .exec(HitsSimulation.get("download"));

    @Override
    public void after() {
        Timeline.write();
    }

    {
        setUp(mixed.injectOpen(constantUsersPerSec(lab.rate()).during(lab.duration())))
                .protocols(http.disableCaching()) // every request reaches the proxy
                .assertions(global().failedRequests().count().is(0L));
    }
}
