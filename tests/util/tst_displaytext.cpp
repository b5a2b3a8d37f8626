#include "util/displaytext.h"

#include <QtTest>

#include <string>

using lepton::displayText;

class TestDisplayText : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void escapesWhatCouldDriveATerminal_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("shown");
        QTest::newRow("plain") << QByteArray("fc1 (dense) C:\\path") << QByteArray("fc1 (dense) C:\\path");
        QTest::newRow("newline") << QByteArray("a\nlepton: done") << QByteArray("a\\nlepton: done");
        QTest::newRow("carriage return and tab") << QByteArray("a\r\tb") << QByteArray("a\\r\\tb");
        QTest::newRow("escape sequence") << QByteArray("\x1b[31mred") << QByteArray("\\x1b[31mred");
        QTest::newRow("NUL") << QByteArray("a\0b", 3) << QByteArray("a\\0b");
        QTest::newRow("bell and DEL") << QByteArray("\x07\x7f") << QByteArray("\\x07\\x7f");
        QTest::newRow("C1 CSI") << QByteArray("\xc2\x9b" "2J") << QByteArray("\\u009b2J");
        QTest::newRow("UTF-8 kept") << QByteArray("T-shirt/top \xc3\xa9\xe2\x82\xac\xf0\x9f\x91\x95")
                                    << QByteArray("T-shirt/top \xc3\xa9\xe2\x82\xac\xf0\x9f\x91\x95");
        QTest::newRow("not UTF-8") << QByteArray("\xff\xc3(") << QByteArray("\\xff\\xc3(");
        QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << QByteArray("\\xc0\\xaf");
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << QByteArray("\\xed\\xa0\\x80");
        QTest::newRow("cut short") << QByteArray("\xe2\x82") << QByteArray("\\xe2\\x82");
    }

    void escapesWhatCouldDriveATerminal()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, shown);
        const std::string once = displayText(std::string_view(text.constData(), size_t(text.size())));
        QCOMPARE(QByteArray::fromStdString(once), shown);
        QCOMPARE(displayText(once), once); // escaping twice changes nothing
    }
};

QTEST_GUILESS_MAIN(TestDisplayText)
#include "tst_displaytext.moc"
