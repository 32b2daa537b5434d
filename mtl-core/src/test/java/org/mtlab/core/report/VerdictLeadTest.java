package org.mtlab.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtlab.core.report.DecisionReportTest.AB;
import static org.mtlab.core.report.DecisionReportTest.SEEDS;
import static org.mtlab.core.report.DecisionReportTest.decision;
import static org.mtlab.core.report.DecisionReportTest.epoch;
import static org.mtlab.core.report.DecisionReportTest.report;
import static org.mtlab.core.report.DecisionReportTest.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtlab.core.analysis.RunHistory;
import org.mtlab.core.contract.Json;
import org.mtlab.core.contract.RunCost;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudyDecision;
import org.mtlab.core.contract.StudySpec.TaskSpec;
import org.mtlab.core.report.VerdictLead.Decision;

/**
 * The verdict's lead on constructed studies whose answer is known by hand. Two tasks, mse (lower is better), STL
 * baselines at 1.0 and one MTL configuration (adam/ew), three seeds at ×0.99, ×1.00, ×1.01 of each mean: the Welch
 * interval of a difference is then about ±2.5% of the STL mean (ν ≈ 4 rounded down to 3, t = 3.182), so a change of
 * 5% or more is measurable and one of 1% or less is not. STL models: 80 parameters, 10 s, 1.5 µs per sample each;
 * the MTL model: 100 parameters, 12 s, 2 µs — 37.5% fewer parameters than the two STL models, 1.5× faster to serve.
 */
class VerdictLeadTest {
    static final RunCost STL_COST = new RunCost(80, 10_000, 1.5, 1024, "cpu");
    static final RunCost MTL_COST = new RunCost(100, 12_000, 2.0, 1024, "cpu");

    static List<RunHistory> flat(RunKind kind, List<String> tasks, RunCost cost, double[] seeds, double... means) {
        List<RunHistory> out = new ArrayList<>();
        for (int s = 0; s < seeds.length; s++) {
            double[] v = new double[means.length];
            for (int k = 0; k < means.length; k++) {
                v[k] = means[k] * seeds[s];
            }
            out.add(run(kind, tasks, kind == RunKind.STL ? "sgd" : "adam", 0.01, kind == RunKind.STL ? "stl" : "ew",
                    s + 1, List.of(epoch(1, tasks, v, v)), cost, 0, 1000));
        }
        return out;
    }

    /** STL a and b at 1.0; adam/ew at the given means for a and b. */
    static List<RunHistory> study(RunCost mtlCost, double[] seeds, double a, double b) {
        List<RunHistory> runs = new ArrayList<>(flat(RunKind.STL, List.of("a"), STL_COST, seeds, 1.0));
        runs.addAll(flat(RunKind.STL, List.of("b"), STL_COST, seeds, 1.0));
        runs.addAll(flat(RunKind.MTL, AB, mtlCost, seeds, a, b));
        return runs;
    }

    static StudyReport study(double a, double b, Double marginOfB) {
        return report(study(MTL_COST, SEEDS, a, b), margin(marginOfB));
    }

    static StudyDecision margin(Double marginOfB) {
        return decision("a", new TaskSpec("a"), new TaskSpec("b", 1.0, marginOfB));
    }

    static final String COST = "Cost: one model instead of 2: 37.5% fewer parameters (100 vs 160), 1.50× faster to "
            + "serve all tasks, 12.0 s to train vs 20.0 s.";

    /** The lead's shape every report keeps: at most three bullets, no warning that a task "loses 0.0%". */
    static VerdictLead lead(StudyReport r) {
        VerdictLead lead = r.verdict().lead();
        assertTrue(lead.bullets().size() <= 3, lead.bullets().toString());
        assertTrue(lead.sentence().startsWith(lead.decision().headline()), lead.sentence());
        for (String w : r.verdict().warnings()) {
            assertFalse(w.contains("loses 0.0%"), w);
        }
        return lead;
    }

    @Test
    void measurablyBetterOnEveryTaskTrainsTogether() {
        // a 0.90 (+10%), b 0.95 (+5%): both beyond the ±2.5% interval
        StudyReport r = study(0.90, 0.95, null);
        VerdictLead lead = lead(r);
        assertEquals(Decision.TRAIN_TOGETHER, lead.decision());
        assertEquals("Train together with adam/ew: better than training apart on a and b beyond the seed spread, and "
                + "no task worse beyond it.", lead.sentence());
        assertEquals(List.of("Primary task a with adam/ew: +10.0% against training apart (95% interval +7.5% to +12.5%; "
                        + "positive = better) — better beyond the seed spread.", COST,
                "No other task at risk: even the worse end of b's 95% interval is no loss — b +5.0% against training "
                        + "apart (95% interval +2.5% to +7.5%; positive = better)."), lead.bullets());
        assertTrue(r.verdict().recommended().sentence().startsWith("Recommended: adam/ew"));
    }

    @Test
    void aMeasuredLossThatPaysByTheValuesStillTrainsTogetherAndIsTheRisk() {
        // a 0.80 (+20%), b 1.05 (−5%, beyond the spread, within b's 6% margin): value-weighted gain (20 − 5)/2 = 7.5
        StudyReport r = study(0.80, 1.05, 0.06);
        VerdictLead lead = lead(r);
        assertEquals(Decision.TRAIN_TOGETHER, lead.decision());
        assertEquals("Train together with adam/ew: better than training apart on a beyond the seed spread and it pays "
                + "by the task values (value-weighted gain +7.5%, positive = better than training apart), though b is "
                + "worse beyond the seed spread, within its margin.", lead.sentence());
        // b's interval reaches −7.7%, beyond the 6% margin its mean keeps: the risk bullet says so
        assertEquals("Largest risk to another task: b -5.0% against training apart (95% interval -7.7% to -2.3%; "
                + "positive = better) — worse beyond the seed spread; its interval reaches beyond its 6.0% margin.",
                lead.bullets().get(2));
    }

    @Test
    void measurablyWorseOnEveryTaskTrainsApart() {
        StudyReport r = study(1.10, 1.05, null);
        VerdictLead lead = lead(r);
        assertEquals(Decision.TRAIN_APART, lead.decision());
        assertEquals("Train apart: the best MTL configuration within the margins, adam/ew, is worse than training apart "
                + "on a and b beyond the seed spread and does not pay by the task values (value-weighted gain -7.5%, "
                + "positive = better than training apart).", lead.sentence());
        assertEquals("Primary task a with adam/ew: -10.0% against training apart (95% interval -12.7% to -7.3%; "
                + "positive = better) — worse beyond the seed spread.", lead.bullets().get(0));
        assertEquals("Largest risk to another task: b -5.0% against training apart (95% interval -7.7% to -2.3%; "
                + "positive = better) — worse beyond the seed spread; no margin set.", lead.bullets().get(2));
        // the configuration line below the lead agrees with it: no "Recommended"
        String rec = r.verdict().recommended().sentence();
        assertTrue(rec.startsWith("Best MTL configuration within the margins, should you train together anyway: adam/ew"),
                rec);
        assertFalse(MarkdownReport.render(r).contains("Recommended:"));
    }

    @Test
    void noConfigurationWithinTheMarginsTrainsApart() {
        // a +20% but b −5% against a 2% margin
        StudyReport r = study(0.80, 1.05, 0.02);
        VerdictLead lead = lead(r);
        assertEquals(Decision.TRAIN_APART, lead.decision());
        assertEquals("Train apart: no MTL configuration keeps every task within its margin; the closest, adam/ew, "
                + "loses 5.0% on b where its margin accepts 2.0%.", lead.sentence());
        assertTrue(lead.bullets().get(2).endsWith("— worse beyond the seed spread; breaks its 2.0% margin."),
                lead.bullets().get(2));
        assertEquals(COST, lead.bullets().get(1), "the closest configuration's cost");
    }

    @Test
    void noMeasurableDifferenceTrainsTogetherForTheCost() {
        // a 0.99 (+1%), b 1.0002 (−0.02%): neither beyond the spread; b's interval reaches a 2.6% loss, inside 6%
        StudyReport r = study(0.99, 1.0002, 0.06);
        VerdictLead lead = lead(r);
        assertEquals(Decision.NO_MEASURABLE_DIFFERENCE_TOGETHER, lead.decision());
        assertEquals("No measurable difference: train together for the cost — with adam/ew no task differs from "
                + "training apart beyond the seed spread, every margin holds even at the worse end of its interval, and "
                + "one model replaces the 2 STL models.", lead.sentence());
        assertEquals(List.of("Primary task a with adam/ew: +1.0% against training apart (95% interval -1.6% to +3.6%; "
                        + "positive = better) — not distinguishable from training apart.", COST,
                "Largest risk to another task: b 0.0% against training apart (95% interval -2.6% to +2.6%; positive = "
                        + "better) — a loss of up to 2.6% not ruled out; within its 6.0% margin even at the interval's "
                        + "worse end."), lead.bullets());
        // b loses 0.02% under the only configuration: no "loses 0.0% or more" warning
        assertFalse(r.verdict().warnings().stream().anyMatch(w -> w.startsWith("Task b loses")),
                r.verdict().warnings().toString());
        assertFalse(MarkdownReport.render(r).contains("loses 0.0%"));
        assertTrue(r.verdict().recommended().sentence().startsWith("Recommended: adam/ew"));
    }

    @Test
    void noMeasurableDifferenceWithAMarginAtRiskTrainsApart() {
        // the same study, but b accepts 2%: its interval reaches a 2.6% loss
        StudyReport r = study(0.99, 1.0002, 0.02);
        VerdictLead lead = lead(r);
        assertEquals(Decision.NO_MEASURABLE_DIFFERENCE_APART, lead.decision());
        assertEquals("No measurable difference: train apart — with adam/ew no task differs from training apart beyond "
                + "the seed spread, but b's 95% interval reaches a 2.6% loss, beyond its 2.0% margin.", lead.sentence());
        assertTrue(lead.bullets().get(2).endsWith("its interval reaches beyond its 2.0% margin."), lead.bullets().get(2));
        assertEquals("adam/ew", r.verdict().recommended().configuration(), "its mean keeps the margin");
        assertFalse(r.verdict().recommended().sentence().startsWith("Recommended"), r.verdict().recommended().sentence());
    }

    @Test
    void noMeasurableDifferenceAndNoCheaperModelTrainsApart() {
        // the MTL model: 200 parameters (vs 160), 4 µs per sample (vs 3): nothing to save
        StudyReport r = report(study(new RunCost(200, 30_000, 4.0, 1024, "cpu"), SEEDS, 0.99, 1.0002), margin(null));
        VerdictLead lead = lead(r);
        assertEquals(Decision.NO_MEASURABLE_DIFFERENCE_APART, lead.decision());
        assertEquals("No measurable difference: train apart — with adam/ew no task differs from training apart beyond "
                + "the seed spread, and one model of adam/ew is not cheaper than the 2 STL models (25.0% more "
                + "parameters, 0.75× the speed to serve).", lead.sentence());
        assertEquals("Cost: one model instead of 2: 25.0% more parameters (200 vs 160), 0.75× the speed to serve all "
                + "tasks, 30.0 s to train vs 20.0 s.", lead.bullets().get(1));
    }

    @Test
    void oneSeedMeasuresNothingAndCannotBoundAMargin() {
        double[] one = {1.0};
        StudyReport free = report(study(MTL_COST, one, 0.5, 0.5), margin(null));
        VerdictLead lead = lead(free);
        assertEquals(Decision.NO_MEASURABLE_DIFFERENCE_TOGETHER, lead.decision(), lead.sentence());
        assertTrue(lead.sentence().contains("(with one seed nothing can be measured; run more seeds)"), lead.sentence());
        assertEquals("Primary task a with adam/ew: +50.0% against training apart (one seed: no interval; positive = "
                + "better) — no difference can be measured with one seed.", lead.bullets().get(0));
        VerdictLead bounded = lead(report(study(MTL_COST, one, 0.5, 0.5), margin(0.05)));
        assertEquals(Decision.NO_MEASURABLE_DIFFERENCE_APART, bounded.decision());
        assertTrue(bounded.sentence().endsWith("but with one seed the loss on b cannot be bounded against its 5.0% "
                + "margin."), bounded.sentence());
    }

    @Test
    void withoutBaselinesThereIsNoDecisionYet() {
        StudyReport r = report(new ArrayList<>(flat(RunKind.MTL, AB, MTL_COST, SEEDS, 0.9, 0.9)), margin(null));
        VerdictLead lead = lead(r);
        assertEquals(Decision.NO_DECISION_YET, lead.decision());
        assertEquals("No decision yet: no finished STL baseline for a, b.", lead.sentence());
        assertEquals(List.of(), lead.bullets());
        assertTrue(MarkdownReport.render(r).contains("## Verdict\n\n**No decision yet**: no finished STL baseline for "
                + "a, b.\n\n### Why\n\n"));
    }

    /** Markdown and HTML open their verdict section with the lead, for each outcome; the rest follows under it. */
    @Test
    void markdownAndHtmlStartTheirVerdictWithTheLead() {
        List<StudyReport> reports = List.of(study(0.90, 0.95, null), study(1.10, 1.05, null),
                study(0.99, 1.0002, 0.06), study(0.99, 1.0002, 0.02));
        assertEquals(List.of(Decision.TRAIN_TOGETHER, Decision.TRAIN_APART, Decision.NO_MEASURABLE_DIFFERENCE_TOGETHER,
                Decision.NO_MEASURABLE_DIFFERENCE_APART), reports.stream().map(r -> r.verdict().lead().decision()).toList());
        for (StudyReport r : reports) {
            VerdictLead lead = r.verdict().lead();
            String md = MarkdownReport.render(r);
            String section = md.substring(md.indexOf("## Verdict\n\n") + "## Verdict\n\n".length());
            StringBuilder expected = new StringBuilder("**" + lead.headline() + "**" + lead.afterHeadline() + "\n\n");
            lead.bullets().forEach(b -> expected.append("- ").append(b).append('\n'));
            expected.append("\n### Why\n\n");
            assertTrue(section.startsWith(expected.toString()), section);
            assertTrue(section.indexOf("Per task") > expected.length(), "per-task figures follow the lead");

            String html = HtmlReport.render(r);
            String hs = html.substring(html.indexOf("<h2>Verdict</h2>\n") + "<h2>Verdict</h2>\n".length());
            StringBuilder expectedHtml = new StringBuilder("<p class=\"answer " + lead.decision().name() + "\"><b>"
                    + HtmlReport.esc(lead.headline()) + "</b>" + HtmlReport.esc(lead.afterHeadline()) + "</p>\n<ul class=\"lead\">");
            lead.bullets().forEach(b -> expectedHtml.append("<li>").append(HtmlReport.esc(b)).append("</li>"));
            assertTrue(hs.startsWith(expectedHtml + "</ul>\n<h3>Why</h3>"), hs);
        }
    }

    /** The JSON the dashboard, the CLI and the demo read carries the lead, and reads back as the same record. */
    @Test
    void theJsonCarriesTheLeadAsTheDemoReadsIt() {
        StudyReport r = study(0.99, 1.0002, 0.02);
        JsonNode lead = Json.read(Json.writeString(r), JsonNode.class).get("verdict").get("lead");
        assertEquals("NO_MEASURABLE_DIFFERENCE_APART", lead.get("decision").asText());
        assertEquals(r.verdict().lead(), Json.read(lead.toString(), VerdictLead.class));
        assertEquals(r.verdict().lead().sentence() + "\n  - " + String.join("\n  - ", r.verdict().lead().bullets()),
                r.verdict().lead().plainText());
    }
}
