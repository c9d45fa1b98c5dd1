exports.loadStatuses = () => ["A", "B"];
