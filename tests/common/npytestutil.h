#pragma once

// Writes .npy files the way NumPy does, for tests that need array data.

#include <QByteArray>
#include <QFile>
#include <QtTest>

#include <cstdint>
#include <vector>

namespace lepton::testing {

// An .npy file of `bytes` raw data with `descr` ("<f4", "|u1", ...) and
// `shape`, its header padded as NumPy pads it.
inline void writeNpy(const QString& path, const QByteArray& descr, const std::vector<int64_t>& shape,
                     const void* data, size_t bytes, bool fortran = false)
{
    QByteArray dims;
    for (int64_t dim : shape)
        dims += QByteArray::number(qint64(dim)) + ", ";
    QByteArray dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
        + ", 'shape': (" + dims.chopped(shape.size() > 1 ? 2 : 1) + "), }";
    while ((10 + dict.size() + 1) % 64)
        dict += ' ';
    dict += '\n';
    QByteArray header("\x93NUMPY\x01\x00", 8);
    header += char(dict.size() & 0xFF);
    header += char(dict.size() >> 8);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(header + dict), qint64(10 + dict.size()));
    QCOMPARE(file.write(static_cast<const char*>(data), qint64(bytes)), qint64(bytes));
}

} // namespace lepton::testing
