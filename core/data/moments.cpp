#include "data/moments.h"

#include <algorithm>
#include <cmath>

namespace lepton {

void Moments::add(double value)
{
    ++count;
    const double delta = value - mean;
    mean += delta / double(count);
    m2 += delta * (value - mean);
    min = std::min(min, value);
    max = std::max(max, value);
}

void Moments::merge(const Moments& other)
{
    if (other.count == 0)
        return;
    if (count == 0) {
        *this = other;
        return;
    }
    const double total = double(count + other.count);
    const double delta = other.mean - mean;
    mean += delta * double(other.count) / total;
    m2 += other.m2 + delta * delta * double(count) * double(other.count) / total;
    count += other.count;
    min = std::min(min, other.min);
    max = std::max(max, other.max);
}

double Moments::populationStd() const
{
    return count > 0 ? std::sqrt(m2 / double(count)) : 0.0;
}

double Moments::sampleStd() const
{
    return count > 1 ? std::sqrt(m2 / double(count - 1)) : 0.0;
}

} // namespace lepton
