#pragma once

// Small helpers shared by the data importer tests.
#include "data/dataset.h"

#include <QString>

#include <functional>
#include <string>

namespace lepton::testing {

// The DataError message of `action`, or "(no DataError)" when it throws none.
inline QString errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const DataError& error) {
        return QString::fromStdString(error.what());
    }
    return QStringLiteral("(no DataError)");
}

inline std::string str(const QString& text)
{
    return text.toStdString();
}

} // namespace lepton::testing
