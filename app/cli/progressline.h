#pragma once

#include "train/trainingevent.h"

#include <ostream>

namespace lepton::cli {

// The live line under the epoch lines on a terminal: epoch, a bar of the
// epoch's batches, samples/s, time left for the whole run, the last batch's
// loss and the process's memory. Each update() redraws it in place (the
// caller passes the latest of a tenth of a second's batches); clear() wipes
// it before another line is printed. Off (not a terminal), it prints nothing.
class ProgressLine {
public:
    ProgressLine(std::ostream& out, bool live);
    void update(const BatchMetrics& batch);
    void clear();

private:
    std::ostream& m_out;
    bool m_live;
    bool m_shown = false;
    // The first batch seen: the rate of the batches since gives the time left.
    int64_t m_firstStep = -1;
    double m_firstElapsed = 0.0;
};

} // namespace lepton::cli
