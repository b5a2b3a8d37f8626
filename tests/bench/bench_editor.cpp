// Prints how long the editor takes to answer one edit on a 500-node network,
// everything included: the undo command, shape inference and the canvas
// catching up. Runs offscreen. Figures, never assertions.
//
//     QT_QPA_PLATFORM=offscreen build/bin/bench_editor

#include "benchkit.h"
#include "commands/movenodescommand.h"
#include "commands/pastenodescommand.h"
#include "commands/setparamcommand.h"
#include "graphdocument.h"
#include "graphfragment.h"
#include "graphscene.h"

#include <QApplication>
#include <QUndoStack>

#include <cstdio>

using namespace lepton;
using lepton::bench::medianMs;

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const int nodes = 500;
    Project project;
    project.name = "bench";
    project.graph = bench::residualNetwork(nodes);
    GraphDocument document;
    document.newProject(std::move(project));
    GraphScene scene(&document);
    QUndoStack* stack = document.undoStack();

    const NodeId first = document.graph().nodes()[1].id; // the first Linear
    int width = 64;
    const double param = medianMs(21, [&] {
        width = width == 64 ? 65 : 64;
        stack->push(new SetParamCommand(&document, first, "out_features", width));
    });
    const double move = medianMs(21, [&] {
        const Position from = document.graph().node(first)->position;
        const Position to{from.x + 10, from.y};
        stack->push(new MoveNodesCommand(&document, {{first, from, to}},
                                         MoveNodesCommand::Kind::Drag));
    });
    std::vector<NodeId> block;
    for (size_t i = 1; i <= 50; ++i)
        block.push_back(document.graph().nodes()[i].id);
    const GraphFragment fragment = copyFragment(document.graph(), block);
    const double paste = medianMs(11, [&] {
        stack->push(new PasteNodesCommand(&document, fragment, {0, 2000}));
        stack->undo();
    });
    const double undoRedo = medianMs(21, [&] {
        stack->undo();
        stack->redo();
    });
    std::printf("editor, %d nodes and %zu wires on the canvas:\n", nodes,
                document.graph().edges().size());
    std::printf("  parameter change   %7.2f ms\n", param);
    std::printf("  node move          %7.2f ms\n", move);
    std::printf("  paste of 50 nodes  %7.2f ms (paste and its undo)\n", paste);
    std::printf("  undo + redo        %7.2f ms\n", undoRedo);
    return 0;
}
