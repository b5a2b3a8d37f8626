#pragma once

// The training event types as Qt signal arguments, declared once for every
// widget that passes them through signals.
#include "train/trainingevent.h"

#include <QMetaType>

#include <vector>

Q_DECLARE_METATYPE(lepton::BatchMetrics)
Q_DECLARE_METATYPE(lepton::EpochMetrics)
Q_DECLARE_METATYPE(lepton::TrainingSummary)
Q_DECLARE_METATYPE(lepton::TrainerState)
