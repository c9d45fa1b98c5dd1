module.exports = function audit(schema) {
  schema.add({ auditedAt: Date });
};
