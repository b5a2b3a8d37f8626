#pragma once

#include <QApplication>
#include <QIcon>
#include <QStyle>

namespace lepton {

// The desktop theme's icon, or the style's own where the theme has none.
inline QIcon themedIcon(const char* name, QStyle::StandardPixmap fallback)
{
    return QIcon::fromTheme(QString::fromLatin1(name), QApplication::style()->standardIcon(fallback));
}

} // namespace lepton
