package dev.takeover.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrillTest {
    private static final long CRASH = 100_000;
    private static final Drill.Options OPTIONS = new Drill.Options("48m", 3, "n2", Duration.ofSeconds(2),
            Duration.ofSeconds(30));

    private static DrillClient.Download download(int id, String vip, DrillClient.Gap... gaps) {
        DrillClient.Gap longest = List.of(gaps).stream().max((a, b) -> Long.compare(a.millis(), b.millis())).orElseThrow();
        return new DrillClient.Download(id, vip, "/synthetic/48m/d" + id, 48 << 20, 48 << 20, "ok", "", longest.millis(),
                longest.at(), CRASH - 5_000, CRASH + 5_000, 3, List.of(gaps));
    }

    private static Drill.Takeover takeover(String vip, long detectedAfterCrash) {
        long detected = CRASH + detectedAfterCrash;
        return new Drill.Takeover(vip, "n1", detected, detected + 200, detected + 300, detected + 350, detected + 400,
                1, 0, 0);
    }

    @Test
    void theStallRunsFromTheCrashToTheEndOfTheGapUnderWayWhenTheVipsTakeoverBegan() {
        DrillClient.Download resumed = download(0, "198.18.0.103",
                new DrillClient.Gap(CRASH - 4_000, 1_800), // the longest, but long before the crash
                new DrillClient.Gap(CRASH - 300, 1_700)); // began before the crash: the machine was busy
        DrillClient.Download drainedFirst = download(1, "198.18.0.103",
                new DrillClient.Gap(CRASH + 20, 1_400));  // read what its buffer held after the crash
        DrillClient.Download elsewhere = download(2, "198.18.0.105", new DrillClient.Gap(CRASH - 300, 1_700));
        Drill.Result r = new Drill.Result(OPTIONS, CRASH, new DrillClient.Report(CRASH - 6_000,
                List.of(resumed, drainedFirst, elsewhere), Map.of()), List.of(takeover("198.18.0.103", 800)),
                List.of("198.18.0.103", "198.18.0.104"));

        assertThat(r.resumedAfterCrash(resumed)).hasValue(1_400);
        assertThat(r.resumedAfterCrash(drainedFirst)).hasValue(1_420);
        assertThat(r.resumedAfterCrash(elsewhere)).isEmpty(); // its VIP was not taken over
    }

    @Test
    void noStallIsClaimedWhenNoGapSpansTheTakeover() {
        DrillClient.Download reading = download(0, "198.18.0.103", new DrillClient.Gap(CRASH + 2_000, 150));
        Drill.Result r = new Drill.Result(OPTIONS, CRASH, new DrillClient.Report(CRASH - 6_000, List.of(reading), Map.of()),
                List.of(takeover("198.18.0.103", 800)), List.of("198.18.0.103"));

        assertThat(r.resumedAfterCrash(reading)).isEmpty();
    }

    @Test
    void theClientsReportKeepsItsGapsThroughJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        DrillClient.Report report = new DrillClient.Report(CRASH - 6_000,
                List.of(download(0, "198.18.0.103", new DrillClient.Gap(CRASH - 300, 1_700))), Map.of());

        DrillClient.Report back = json.readValue(json.writeValueAsString(report), DrillClient.Report.class);

        assertThat(back.downloads()).isEqualTo(report.downloads());
    }
}
