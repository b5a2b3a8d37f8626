#pragma once

// qcustomplot.h is written with Qt's keyword macros, which the project turns
// off (QT_NO_KEYWORDS); lend them to it for the length of the include only.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
