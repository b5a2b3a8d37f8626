// File > New from Template: the gallery offers every template with a picture
// and a line, and the chosen one becomes a new untitled project.

#include "graphdocument.h"
#include "templategallery.h"

#include "graph/shapeinference.h"

#include <QListWidget>
#include <QUndoStack>
#include <QtTest/QtTest>

using namespace lepton;

class TestGallery : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void galleryShowsEveryTemplate()
    {
        TemplateGallery gallery;
        auto* list = gallery.findChild<QListWidget*>(QStringLiteral("templateList"));
        QVERIFY(list);
        QCOMPARE(list->count(), 7);
        for (int row = 0; row < list->count(); ++row) {
            const QListWidgetItem* item = list->item(row);
            QVERIFY(!item->icon().isNull());
            // A title and its line.
            QCOMPARE(item->text().count(QLatin1Char('\n')), 1);
        }
        QCOMPARE(gallery.chosenTemplate(), QStringLiteral(":/templates/mlp.lepton"));
        list->setCurrentRow(1);
        QCOMPARE(gallery.chosenTemplate(), QStringLiteral(":/templates/lenet5.lepton"));
        if (!qEnvironmentVariableIsEmpty("LEPTON_SCREENSHOT_DIR"))
            gallery.grab().save(qEnvironmentVariable("LEPTON_SCREENSHOT_DIR")
                                + QStringLiteral("/template-gallery.png"));
    }

    void templateBecomesUntitledProject()
    {
        GraphDocument document;
        document.open(QStringLiteral(LEPTON_SOURCE_DIR "/projects/spiral-mlp.lepton"));
        document.newFromTemplate(QStringLiteral(":/templates/lenet5.lepton"));
        QCOMPARE(QString::fromStdString(document.project().name), QStringLiteral("LeNet-5"));
        QVERIFY(document.filePath().isEmpty());
        QVERIFY(!document.isModified());
        QCOMPARE(document.graph().nodes().size(), size_t(14));
        QVERIFY(document.shapes().ok());

        QVERIFY_THROWS_EXCEPTION(std::exception,
                                 document.newFromTemplate(QStringLiteral(":/templates/none.lepton")));
        QCOMPARE(document.graph().nodes().size(), size_t(14)); // unchanged
    }
};

QTEST_MAIN(TestGallery)
#include "tst_gallery.moc"
