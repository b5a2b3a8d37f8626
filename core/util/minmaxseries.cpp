#include "util/minmaxseries.h"

#include <algorithm>
#include <cmath>

namespace lepton {
namespace {

constexpr size_t kFanOut = 8;

} // namespace

void MinMaxSeries::append(double x, double y)
{
    if (std::isnan(y))
        return;
    m_points.push_back({x, y});
    m_range = m_range ? std::pair(std::min(m_range->first, y), std::max(m_range->second, y)) : std::pair(y, y);
    // Each level whose last block this point completes gains its summary,
    // made from the eight blocks (or points) below it.
    size_t count = m_points.size();
    for (size_t level = 0; count % kFanOut == 0; ++level, count /= kFanOut) {
        if (m_levels.size() == level)
            m_levels.emplace_back();
        Extremes block;
        if (level == 0) {
            block = extremes(m_points.size() - kFanOut, m_points.size());
        } else {
            const auto& below = m_levels[level - 1];
            block = below[below.size() - kFanOut];
            for (size_t i = below.size() - kFanOut + 1; i < below.size(); ++i)
                block.include(below[i]);
        }
        m_levels[level].push_back(block);
    }
}

void MinMaxSeries::clear()
{
    m_points.clear();
    m_levels.clear();
    m_range.reset();
}

std::optional<std::pair<double, double>> MinMaxSeries::valueRange() const
{
    return m_range;
}

void MinMaxSeries::Extremes::include(const Extremes& other)
{
    if (other.lowY < lowY) {
        low = other.low;
        lowY = other.lowY;
    }
    if (other.highY > highY) {
        high = other.high;
        highY = other.highY;
    }
}

MinMaxSeries::Extremes MinMaxSeries::extremes(size_t begin, size_t end) const
{
    const auto single = [this](size_t i) { return Extremes{i, i, m_points[i].y, m_points[i].y}; };
    Extremes found = single(begin);
    for (size_t i = begin; i < end;) {
        // The largest whole block that starts at i and ends by `end`.
        size_t level = 0, size = kFanOut;
        while (level < m_levels.size() && i % size == 0 && i + size <= end && i / size < m_levels[level].size()) {
            ++level;
            size *= kFanOut;
        }
        if (level == 0) {
            found.include(single(i));
            ++i;
        } else {
            size /= kFanOut;
            found.include(m_levels[level - 1][i / size]);
            i += size;
        }
    }
    return found;
}

std::vector<MinMaxSeries::Point> MinMaxSeries::decimated(double from, double to, int columns) const
{
    const auto byX = [](const Point& point, double x) { return point.x < x; };
    size_t begin = static_cast<size_t>(std::lower_bound(m_points.begin(), m_points.end(), from, byX) - m_points.begin());
    size_t end = static_cast<size_t>(std::upper_bound(m_points.begin(), m_points.end(), to,
                                                      [](double x, const Point& point) { return x < point.x; })
                                     - m_points.begin());
    begin = begin > 0 ? begin - 1 : 0; // the neighbours outside, for the lines to the edges
    end = std::min(end + 1, m_points.size());
    if (begin >= end)
        return {};
    columns = std::max(columns, 1);
    if (end - begin <= 2 * static_cast<size_t>(columns))
        return {m_points.begin() + static_cast<std::ptrdiff_t>(begin), m_points.begin() + static_cast<std::ptrdiff_t>(end)};

    std::vector<Point> kept;
    kept.reserve(2 * static_cast<size_t>(columns) + 2);
    const double width = (to - from) / columns;
    size_t sliceBegin = begin;
    while (sliceBegin < end) {
        // This slice: the points up to the end of the column the first one falls in.
        const double column = std::floor((m_points[sliceBegin].x - from) / width);
        const double columnEnd = from + (column + 1.0) * width;
        const size_t sliceEnd = std::max(
            sliceBegin + 1,
            static_cast<size_t>(std::lower_bound(m_points.begin() + static_cast<std::ptrdiff_t>(sliceBegin),
                                                 m_points.begin() + static_cast<std::ptrdiff_t>(end), columnEnd, byX)
                                - m_points.begin()));
        const Extremes slice = extremes(sliceBegin, sliceEnd);
        kept.push_back(m_points[std::min(slice.low, slice.high)]);
        if (slice.low != slice.high)
            kept.push_back(m_points[std::max(slice.low, slice.high)]);
        sliceBegin = sliceEnd;
    }
    return kept;
}

} // namespace lepton
