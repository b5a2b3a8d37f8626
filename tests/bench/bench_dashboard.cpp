// How long the training dashboard takes to take in and redraw a long run:
// N batch points per curve arrive as a session would deliver them (a tick
// of 200 batches at a time; a noisy falling loss with a rare spike), then
// one more tick is timed: taking in its
// batches and choosing the points to draw, then QCustomPlot's own time to
// draw both plots (QCustomPlot::replotTime).
//
//   QT_QPA_PLATFORM=offscreen build/bin/bench_dashboard
#include "qcustomplotheader.h"
#include "trainingdashboard.h"
#include "trainingsession.h"

#include <QApplication>

#include <chrono>
#include <cmath>
#include <cstdio>

using namespace lepton;

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

BatchMetrics batch(int64_t step, int64_t perEpoch)
{
    BatchMetrics m;
    m.epoch = static_cast<int>(step / perEpoch) + 1;
    m.batch = step % perEpoch + 1;
    m.batchesPerEpoch = perEpoch;
    // A falling loss with batch-to-batch noise and a rare spike, as a real run shows.
    const double noise = 0.08 * std::sin(static_cast<double>(step) * 12.9898) * std::cos(static_cast<double>(step) * 4.1414);
    m.loss = 1.0 / (1.0 + 1e-5 * static_cast<double>(step)) + noise + (step % 10007 == 0 ? 2.0 : 0.0);
    m.accuracy = 0.9 - 0.4 / (1.0 + 1e-5 * static_cast<double>(step)) + noise;
    m.learningRate = 1e-3;
    return m;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    std::printf("%-10s %-22s %-26s %s\n", "points", "taking in, per batch", "last tick, points chosen", "drawn in");
    for (int64_t points : {10000, 100000, 1000000}) {
        TrainingSession session;
        TrainingDashboard dashboard(&session);
        dashboard.resize(1200, 400);
        dashboard.show();
        const int64_t perEpoch = points / 20;
        const Clock::time_point fill = Clock::now();
        for (int64_t step = 0; step < points; ++step) {
            Q_EMIT session.batchReported(batch(step, perEpoch));
            if (step % 200 == 199)
                Q_EMIT session.eventsDrained();
        }
        const double perBatch = millisecondsSince(fill) * 1000.0 / static_cast<double>(points);
        // One more tick: its batches, then a synchronous redraw of both plots.
        const Clock::time_point tick = Clock::now();
        for (int64_t step = points; step < points + 200; ++step)
            Q_EMIT session.batchReported(batch(step, perEpoch));
        Q_EMIT session.eventsDrained();
        const double takenIn = millisecondsSince(tick);
        double drawn = 0.0;
        for (QCustomPlot* plot : {dashboard.lossPlot(), dashboard.accuracyPlot()}) {
            plot->replot(QCustomPlot::rpImmediateRefresh);
            drawn += plot->replotTime();
        }
        std::printf("%-10lld %8.2f us            %8.2f ms                %6.1f ms\n", static_cast<long long>(points),
                    perBatch, takenIn, drawn);
    }
    return 0;
}
