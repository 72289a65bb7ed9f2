package io.meshgate.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

/**
 * The run as a picture (PNG, drawn by XChart): one row per connection count, with req/s per target
 * on the left and p50/p99 latency per target on the right. Targets with errors carry a "(errors)"
 * mark.
 */
final class ResultsChart {

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private ResultsChart() {}

    static void write(Comparison.Outcome o, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<CategoryChart> charts = new ArrayList<>();
        for (int connections : o.settings().connections()) {
            Map<String, TargetResult> results = Report.results(o, connections);
            if (results.isEmpty()) {
                continue;
            }
            List<String> names = new ArrayList<>();
            List<Double> rps = new ArrayList<>();
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            for (TargetResult r : results.values()) {
                names.add(r.spec().name() + (r.errors() > 0 ? " (errors)" : ""));
                rps.add(r.rps());
                p50.add(Math.max(r.p50Ms(), 0.001));
                p99.add(Math.max(r.p99Ms(), 0.001));
            }
            String when = WHEN.format(o.started())
                    + (o.settings().label() == null ? "" : ": " + o.settings().label());

            CategoryChart throughput =
                    chart(connections + " keep-alive connections: req/s (median of rounds)", when, "req/s");
            throughput.getStyler().setLegendVisible(false);
            throughput.getStyler().setYAxisDecimalPattern("#,###");
            throughput.addSeries("req/s", names, rps);
            charts.add(throughput);

            CategoryChart latency = chart(
                    connections + " keep-alive connections: latency (median of rounds, log scale)",
                    "wrk, closed loop; targets with errors are marked",
                    "ms");
            latency.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            latency.getStyler().setYAxisDecimalPattern("#,##0.##");
            // p50 of a fast proxy and p99 of a slow one differ 100-fold: log scale keeps both readable
            // (bars start at the axis minimum, which must be above zero on a log axis: a decade below the least)
            double least = Stream.concat(p50.stream(), p99.stream())
                    .filter(v -> v > 0)
                    .min(Double::compare)
                    .orElse(0.1);
            latency.getStyler().setYAxisLogarithmic(true);
            latency.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(least))));
            latency.addSeries("p50", names, p50);
            latency.addSeries("p99", names, p99);
            charts.add(latency);
        }
        if (charts.isEmpty()) {
            throw new IOException("no results to chart");
        }
        BitmapEncoder.saveBitmap(charts, charts.size() / 2, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static CategoryChart chart(String title, String xAxis, String yAxis) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(900)
                .height(450)
                .title(title)
                .xAxisTitle(xAxis)
                .yAxisTitle(yAxis)
                .build();
        CategoryStyler styler = chart.getStyler();
        styler.setLabelsVisible(true);
        styler.setLabelsPosition(1.0);
        styler.setLabelsFontColorAutomaticEnabled(false);
        styler.setLabelsFontColor(Color.BLACK);
        styler.setXAxisLabelRotation(20);
        styler.setPlotGridVerticalLinesVisible(false);
        styler.setChartBackgroundColor(Color.WHITE);
        return chart;
    }
}
