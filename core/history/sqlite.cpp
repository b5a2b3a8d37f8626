#include "history/sqlite.h"

#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>

namespace lepton {

SqliteDatabase::SqliteDatabase(const std::string& path)
    : m_path(path)
{
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
    if (sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
        const std::string message = m_db ? sqlite3_errmsg(m_db) : "out of memory";
        sqlite3_close(m_db);
        throw std::runtime_error(path + ": cannot open the database: " + message);
    }
    // Another process (a training CLI beside the workbench) may hold the write lock briefly.
    sqlite3_busy_timeout(m_db, 5000);
}

SqliteDatabase::~SqliteDatabase()
{
    sqlite3_close(m_db);
}

void SqliteDatabase::fail(const std::string& what) const
{
    throw std::runtime_error(m_path + ": " + what + ": " + sqlite3_errmsg(m_db));
}

void SqliteDatabase::execute(const std::string& sql)
{
    char* error = nullptr;
    if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string message = error ? error : sqlite3_errmsg(m_db);
        sqlite3_free(error);
        throw std::runtime_error(m_path + ": " + message);
    }
}

void SqliteDatabase::useWriteAheadLog()
{
    // The switch takes an exclusive lock and, unlike other statements, fails at
    // once rather than calling the busy handler while another process holds
    // the file: two sweep trials creating a history together meet this.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
        const int status = sqlite3_exec(m_db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
        if (status == SQLITE_OK)
            return;
        if ((status & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > deadline)
            fail("cannot switch to write-ahead logging");
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

int64_t SqliteDatabase::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

SqliteStatement::SqliteStatement(SqliteDatabase& db, const std::string& sql)
    : m_db(db)
{
    if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &m_statement, nullptr) != SQLITE_OK)
        db.fail("cannot prepare a query");
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

SqliteStatement& SqliteStatement::bind(int index, int64_t value)
{
    if (sqlite3_bind_int64(m_statement, index, value) != SQLITE_OK)
        m_db.fail("cannot bind a value");
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, double value)
{
    if (!std::isfinite(value))
        return bindNull(index);
    if (sqlite3_bind_double(m_statement, index, value) != SQLITE_OK)
        m_db.fail("cannot bind a value");
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, const std::string& value)
{
    if (sqlite3_bind_text(m_statement, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT)
        != SQLITE_OK)
        m_db.fail("cannot bind a value");
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::optional<double> value)
{
    return value ? bind(index, *value) : bindNull(index);
}

SqliteStatement& SqliteStatement::bindNull(int index)
{
    if (sqlite3_bind_null(m_statement, index) != SQLITE_OK)
        m_db.fail("cannot bind a value");
    return *this;
}

bool SqliteStatement::step()
{
    const int result = sqlite3_step(m_statement);
    if (result == SQLITE_ROW)
        return true;
    if (result == SQLITE_DONE)
        return false;
    m_db.fail("query failed");
}

void SqliteStatement::run()
{
    step();
    reset();
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

int64_t SqliteStatement::integer(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

double SqliteStatement::real(int column) const
{
    return isNull(column) ? NAN : sqlite3_column_double(m_statement, column);
}

std::optional<double> SqliteStatement::optionalReal(int column) const
{
    if (isNull(column))
        return std::nullopt;
    return sqlite3_column_double(m_statement, column);
}

std::string SqliteStatement::text(int column) const
{
    const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(m_statement, column));
    return bytes ? std::string(bytes, static_cast<size_t>(sqlite3_column_bytes(m_statement, column))) : std::string();
}

SqliteTransaction::SqliteTransaction(SqliteDatabase& db)
    : m_db(db)
{
    m_db.execute("BEGIN IMMEDIATE");
}

SqliteTransaction::~SqliteTransaction()
{
    if (!m_done)
        sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteTransaction::commit()
{
    m_db.execute("COMMIT");
    m_done = true;
}

} // namespace lepton
