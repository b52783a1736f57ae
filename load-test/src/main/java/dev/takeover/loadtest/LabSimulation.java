package dev.takeover.loadtest;

import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every simulation against the lab shares: the {@link LabTarget}, numbered users, requests timed into the
 * {@link Timeline}, the open injection at {@code takeover.rate} for {@code takeover.duration} with the assertion that
 * no request fails, and writing the timeline at the end.
 */
abstract class LabSimulation extends Simulation {
    final LabTarget lab = LabTarget.fromSystemProperties();
    private final AtomicLong users = new AtomicLong();

    /** The number of the next user, from 0. */
    long nextUser() {
        return users.getAndIncrement();
    }

    /** {@code request} recorded in the {@link Timeline}; a failed request does not fail the user's later ones. */
    static ChainBuilder timed(HttpRequestActionBuilder request) {
        return exec(session -> session.set("started", System.currentTimeMillis()))
                .exec(request)
                .exec(session -> {
                    Timeline.record(session.getLong("started"), System.currentTimeMillis(), !session.isFailed());
                    return session.markAsSucceeded();
                });
    }

    /** A GET of {@code #{target}} from the user's VIP {@code #{vip}}, its status (200) and every byte checked. */
    static HttpRequestActionBuilder checkedGet(String name) {
        return http(name)
                .get(session -> "http://" + session.getString("vip") + session.getString("target"))
                .check(status().is(200))
                .check(bodyBytes().transformWithSession((body, session) ->
                        LabTarget.intact(session.getString("target"), body)).is(true));
    }

    /** {@link #checkedGet}, timed. */
    static ChainBuilder get(String name) {
        return timed(checkedGet(name));
    }

    /** Sets {@code scenario} up; call it from the subclass's initializer. */
    void run(ScenarioBuilder scenario) {
        setUp(scenario.injectOpen(constantUsersPerSec(lab.rate()).during(lab.duration())))
                .protocols(http.disableCaching()) // every request reaches the proxy
                .assertions(global().failedRequests().count().is(0L));
    }

    @Override
    public void after() {
        Timeline.write();
    }
}
