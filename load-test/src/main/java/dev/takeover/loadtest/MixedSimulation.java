package dev.takeover.loadtest;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import dev.takeover.origin.SyntheticObject;

/**
 * A mixed profile, each user on one connection to one VIP: 10 cached 1 KiB hits; a conditional request for one of
 * them ({@code If-None-Match} with its entity tag, answered 304 from the cache); one with {@code Cache-Control:
 * no-cache}, which makes the proxy revalidate with the origin before answering 200; and a download of a distinct
 * object of {@code takeover.size}. Every body is checked byte for byte, every request timed.
 */
public class MixedSimulation extends LabSimulation {
    private final long run = System.currentTimeMillis();

    {
        run(scenario("mixed")
                .exec(session -> {
                    long n = nextUser();
                    return session.set("vip", lab.vip(n)).set("n", n);
                })
                .exec(repeat(10, "i").on(
                        exec(session -> session.set("target", "/synthetic/1k/hit-"
                                + Math.floorMod(session.getInt("i") * 7L + session.getLong("n"), 100)))
                                .exec(get("1 KiB hit"))))
                .exec(session -> session.set("target", "/synthetic/1k/hit-" + Math.floorMod(session.getLong("n"), 100)))
                .exec(timed(http("conditional (304)")
                        .get(session -> "http://" + session.getString("vip") + session.getString("target"))
                        .header("If-None-Match", session ->
                                SyntheticObject.parse(session.getString("target")).orElseThrow().etag())
                        .check(status().is(304))))
                .exec(timed(checkedGet("no-cache (revalidated at the origin)").header("Cache-Control", "no-cache")))
                .exec(session -> session.set("target", "/synthetic/" + lab.size() + "/mixed-" + run + "-"
                        + session.getLong("n")))
                .exec(get("download")));
    }
}
