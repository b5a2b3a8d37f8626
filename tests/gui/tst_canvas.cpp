// The canvas offscreen: mouse gestures, context menus, palette, shortcuts.
#include "common/guitestutil.h"

#include <QTest>

using namespace lepton;
using namespace lepton::testing;

class TestCanvas : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

private:
    QTemporaryDir m_dir;
};

void TestCanvas::initTestCase()
{
    QVERIFY(m_dir.isValid());
    useScratchSettings(m_dir, QStringLiteral("tst_canvas"));
}

QTEST_MAIN(TestCanvas)
#include "tst_canvas.moc"
