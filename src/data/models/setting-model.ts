import { type Connection, type Model, Schema } from 'mongoose';

/** Values generated once per installation and shared by every process (e.g. the identity salt). */
export interface SettingRecord {
  _id: string;
  value: string;
  createdAt: Date;
}

const settingSchema = new Schema<SettingRecord>(
  {
    _id: { type: String, required: true },
    value: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'settings', versionKey: false },
);

export type SettingModel = Model<SettingRecord>;

export function settingModel(connection: Connection): SettingModel {
  return (
    (connection.models.Setting as SettingModel | undefined) ??
    connection.model<SettingRecord>('Setting', settingSchema)
  );
}
