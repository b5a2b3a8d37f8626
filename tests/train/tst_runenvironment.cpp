// How a run sets up the process's threads before its first batch.
#include "train/runenvironment.h"

#include <QtTest>

#include <cfloat>

using namespace lepton;

class TestRunEnvironment : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // FLT_MIN halved is denormal; once a run's plan is applied, every thread
    // of the intra-op pool flushes it to zero. A million values are split
    // between the pool's two threads.
    void denormalsFlushToZeroOnEveryIntraOpThread()
    {
        // Also the probe: it answers false where the CPU cannot flush.
        if (!at::globalContext().setFlushDenormal(false))
            QSKIP("this CPU does not flush denormals");
        at::set_num_threads(2);
        const torch::Tensor least = torch::full({1 << 20}, FLT_MIN);
        QCOMPARE((least * 0.5f).eq(0).sum().item<int64_t>(), 0);

        ThreadPlan plan;
        plan.intraOp = 2;
        applyThreadPlan(plan);
        QCOMPARE((least * 0.5f).eq(0).sum().item<int64_t>(), int64_t(1) << 20);
    }
};

QTEST_GUILESS_MAIN(TestRunEnvironment)
#include "tst_runenvironment.moc"
