package dev.takeover.loadtest;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * Cached small objects: each user keeps one connection to one VIP (users are spread over all of them) and asks 20
 * objects of 1 KiB out of a set of 100, hits once the set is cached; every body is checked byte for byte.
 */
public class HitsSimulation extends LabSimulation {
    {
        run(scenario("1 KiB hits")
                .exec(session -> session.set("vip", lab.vip(nextUser())))
                .exec(repeat(20, "i").on(
                        exec(session -> session.set("target",
                                "/synthetic/1k/hit-" + Math.floorMod(session.getInt("i") * 7L + session.userId(), 100)))
                                .exec(get("1 KiB hit")))));
    }
}
