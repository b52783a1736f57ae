package dev.takeover.loadtest;

import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cached small objects: each user keeps one connection to one VIP (users are spread over all of them) and asks 20
 * objects of 1 KiB out of a set of 100, hits once the set is cached; every body is checked byte for byte.
 */
public class HitsSimulation extends Simulation {
    private final LabTarget lab = LabTarget.fromSystemProperties();
    private final AtomicLong users = new AtomicLong();

    /**
     * One GET of {@code #{target}} from the user's VIP, its status and every byte checked, recorded in the
     * {@link Timeline}. A failed request does not fail the user's later ones.
     */
    static ChainBuilder get(String name) {
        return io.gatling.javaapi.core.CoreDsl.exec(session -> session.set("started", System.currentTimeMillis()))
                .exec(http(name)
                        .get(session -> "http://" + session.getString("vip") + session.getString("target"))
                        .check(status().is(200))
                        .check(bodyBytes().transformWithSession((body, session) ->
                                LabTarget.intact(session.getString("target"), body)).is(true)))
                .exec(session -> {
                    Timeline.record(session.getLong("started"), System.currentTimeMillis(), !session.isFailed());
                    return session.markAsSucceeded();
                });
    }

    private final ScenarioBuilder hits = scenario("1 KiB hits")
            .exec(session -> session.set("vip", lab.vip(users.getAndIncrement())))
            .exec(repeat(20, "i").on(
                    io.gatling.javaapi.core.CoreDsl.exec(session -> session.set("target",
                                    "/synthetic/1k/hit-" + Math.floorMod(session.getInt("i") * 7L + session.userId(), 100)))
                            .exec(get("1 KiB hit"))));

    @Override
    public void after() {
        Timeline.write();
    }

    {
        setUp(hits.injectOpen(constantUsersPerSec(lab.rate()).during(lab.duration())))
                .protocols(http.disableCaching()) // every request reaches the proxy
                .assertions(global().failedRequests().count().is(0L));
    }
}
