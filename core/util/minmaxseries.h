#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace lepton {

// One curve's points in ascending x, kept whole, with the index of the
// lowest and highest point of every block of 8, 64, 512, ... points, so a
// view of any length reduces to a few points per pixel column by looking at
// a handful of blocks per column instead of every point: a million-point
// curve redraws as fast as a thousand-point one, and no spike is dropped.
class MinMaxSeries {
public:
    struct Point {
        double x = 0.0;
        double y = 0.0;
        bool operator==(const Point& other) const { return x == other.x && y == other.y; }
    };

    // `x` must not be below the last point's; a NaN `y` is not kept.
    void append(double x, double y);
    void clear();
    size_t size() const { return m_points.size(); }
    const std::vector<Point>& points() const { return m_points; }
    // The lowest and highest y of all points; nothing while empty.
    std::optional<std::pair<double, double>> valueRange() const;

    // The points of [from, to] for a plot `columns` pixels wide: every point
    // when there are at most two per column, otherwise for each column's
    // equal slice of x its lowest and highest point (each once, in x order).
    // The points just outside [from, to] are included, so lines run on to
    // the plot's edges.
    std::vector<Point> decimated(double from, double to, int columns) const;

private:
    // The lowest and the highest point of a stretch, by index, with their y
    // at hand so that comparing blocks reads no points.
    struct Extremes {
        size_t low = 0, high = 0;
        double lowY = 0.0, highY = 0.0;
        void include(const Extremes& other);
    };
    Extremes extremes(size_t begin, size_t end) const;

    std::vector<Point> m_points;
    // m_levels[k][b]: the extremes of block b of 8^(k+1) points; complete
    // blocks only.
    std::vector<std::vector<Extremes>> m_levels;
    std::optional<std::pair<double, double>> m_range;
};

} // namespace lepton
