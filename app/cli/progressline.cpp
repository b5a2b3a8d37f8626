#include "progressline.h"

#include "util/processmemory.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace lepton::cli {
namespace {

constexpr int kBarWidth = 24;

std::string clock(double seconds)
{
    const long long total = std::llround(std::max(0.0, seconds));
    char text[32];
    if (total >= 3600)
        std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
    else
        std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
    return text;
}

} // namespace

ProgressLine::ProgressLine(std::ostream& out, bool live)
    : m_out(out)
    , m_live(live)
{
}

void ProgressLine::update(const BatchMetrics& batch)
{
    if (!m_live || batch.batchesPerEpoch <= 0)
        return;
    const int64_t step = static_cast<int64_t>(batch.epoch - 1) * batch.batchesPerEpoch + batch.batch;
    if (m_firstStep < 0) {
        m_firstStep = step;
        m_firstElapsed = batch.elapsedSeconds;
    }

    const int filled = static_cast<int>(kBarWidth * batch.batch / batch.batchesPerEpoch);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kBarWidth, '.');
    std::string left = "-";
    const int64_t done = step - m_firstStep;
    if (done > 0 && batch.elapsedSeconds > m_firstElapsed) {
        const double perBatch = (batch.elapsedSeconds - m_firstElapsed) / static_cast<double>(done);
        left = clock(perBatch * static_cast<double>(static_cast<int64_t>(batch.epochs) * batch.batchesPerEpoch - step));
    }
    char line[256];
    std::snprintf(line, sizeof line, "epoch %d/%d [%s] %lld/%lld  %.0f samples/s  %s left  loss %.4g  %.0f MB",
                  batch.epoch, batch.epochs, bar.c_str(), static_cast<long long>(batch.batch),
                  static_cast<long long>(batch.batchesPerEpoch), batch.samplesPerSecond, left.c_str(), batch.loss,
                  residentMemoryBytes() / 1e6);
    m_out << "\r\033[K" << line;
    if (batch.gpuMemoryBytes > 0)
        m_out << "  GPU " << static_cast<long long>(std::llround(batch.gpuMemoryBytes / 1e6)) << " MB";
    m_out << std::flush;
    m_shown = true;
}

void ProgressLine::clear()
{
    if (!m_shown)
        return;
    m_out << "\r\033[K" << std::flush;
    m_shown = false;
}

} // namespace lepton::cli
